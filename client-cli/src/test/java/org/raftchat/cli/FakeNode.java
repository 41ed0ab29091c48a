package org.raftchat.cli;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.ClusterInfo;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.CreateRoomResponse;
import org.raftchat.proto.v1.GetClusterInfoRequest;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.LoginResponse;
import org.raftchat.proto.v1.NotLeader;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.proto.v1.RegisterResponse;
import org.raftchat.proto.v1.PostMessageResponse;
import org.raftchat.proto.v1.PostRoomMessageRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.raftchat.proto.v1.SendDirectMessageRequest;
import org.raftchat.proto.v1.SubscribeRequest;

/**
 * A scriptable stand-in for one node: a leader that serves writes from the shared {@link FakeChat},
 * or a follower that answers NotLeader, plus knobs for the failures the client must survive.
 */
final class FakeNode extends ChatServiceGrpc.ChatServiceImplBase {

    final String id;
    final String address;
    private final FakeChat chat;

    /** null: this node leads. Otherwise it is a follower whose hint is this address ("" = no leader known). */
    volatile String redirectTo;
    /** Failures answered to the next writes, one each, before they are served. */
    final ConcurrentLinkedDeque<Status> writeFailures = new ConcurrentLinkedDeque<>();
    /** When set, every write fails with it. */
    volatile Status alwaysFailWrites;
    final ConcurrentLinkedDeque<Status> readFailures = new ConcurrentLinkedDeque<>();

    /** Subscribe: end the stream with UNAVAILABLE after this many new messages (-1: stay open and go live). */
    volatile int breakAfter = -1;
    /** Subscribe: first resend this many messages at or below after_seq, as a node that lags behind the client might. */
    volatile int resendOld;
    /** Subscribe: never send these seqs (a broken server). */
    volatile Set<Long> omit = Set.of();

    final List<String> keysSeen = new CopyOnWriteArrayList<>();
    final List<Long> subscribedAfter = new CopyOnWriteArrayList<>();

    FakeNode(String id, String address, FakeChat chat) {
        this.id = id;
        this.address = address;
        this.chat = chat;
    }

    /** The caller's name, from a "Bearer token-NAME" header; the fake does not check passwords. */
    static final Context.Key<String> CALLER = Context.key("fake-caller");
    /** The caller when a call carries no token (tests of the client's retry rules do not log in). */
    static final String DEFAULT_CALLER = "alice";

    static ServerInterceptor callerInterceptor() {
        Metadata.Key<String> authorization = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        return new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                String header = headers.get(authorization);
                String user = header != null && header.startsWith("Bearer token-") ? header.substring("Bearer token-".length())
                        : DEFAULT_CALLER;
                return Contexts.interceptCall(Context.current().withValue(CALLER, user), call, headers, next);
            }
        };
    }

    static String caller() {
        return CALLER.get() == null ? DEFAULT_CALLER : CALLER.get();
    }

    @Override
    public void register(RegisterRequest r, StreamObserver<RegisterResponse> out) {
        write(r.getIdempotencyKey(), out, () -> RegisterResponse.newBuilder().setUsername(r.getUsername()).build());
    }

    @Override
    public void login(LoginRequest r, StreamObserver<LoginResponse> out) {
        if (r.getPassword().equals("wrong password")) {
            out.onError(Status.UNAUTHENTICATED.withDescription("unknown username or wrong password").asRuntimeException());
            return;
        }
        out.onNext(LoginResponse.newBuilder().setToken("token-" + r.getUsername()).setUsername(r.getUsername())
                .setNickname(r.getUsername()).build());
        out.onCompleted();
    }

    @Override
    public void createRoom(CreateRoomRequest r, StreamObserver<CreateRoomResponse> out) {
        write(r.getIdempotencyKey(), out, () -> {
            if (chat.roomExists(r.getRoom())) {
                throw Status.ALREADY_EXISTS.withDescription("room '" + r.getRoom() + "' already exists").asRuntimeException();
            }
            chat.createRoom(r.getRoom());
            return CreateRoomResponse.newBuilder().setRoom(r.getRoom()).build();
        });
    }

    @Override
    public void postRoomMessage(PostRoomMessageRequest r, StreamObserver<PostMessageResponse> out) {
        String author = caller();
        write(r.getIdempotencyKey(), out, () -> {
            if (!chat.roomExists(r.getRoom())) {
                throw Status.NOT_FOUND.withDescription("room '" + r.getRoom() + "' does not exist").asRuntimeException();
            }
            ChatMessage m = chat.append(Conversations.room(r.getRoom()), author, r.getText());
            return PostMessageResponse.newBuilder().setMessage(m).build();
        });
    }

    @Override
    public void sendDirectMessage(SendDirectMessageRequest r, StreamObserver<PostMessageResponse> out) {
        String sender = caller();
        write(r.getIdempotencyKey(), out, () -> {
            ChatMessage m = chat.append(Conversations.direct(sender, r.getRecipient()), sender, r.getText());
            return PostMessageResponse.newBuilder().setMessage(m).build();
        });
    }

    @Override
    public void readHistory(ReadHistoryRequest r, StreamObserver<ReadHistoryResponse> out) {
        Status failure = readFailures.poll();
        if (failure != null) {
            out.onError(failure.asRuntimeException());
            return;
        }
        if (r.getConversation().hasRoom() && !chat.roomExists(r.getConversation().getRoom())) {
            out.onError(Status.NOT_FOUND.withDescription("room '" + r.getConversation().getRoom() + "' does not exist")
                    .asRuntimeException());
            return;
        }
        out.onNext(chat.read(r));
        out.onCompleted();
    }

    @Override
    public void subscribe(SubscribeRequest r, StreamObserver<ChatMessage> out) {
        subscribedAfter.add(r.getAfterSeq());
        if (r.getConversation().hasRoom() && !chat.roomExists(r.getConversation().getRoom())) {
            out.onError(Status.NOT_FOUND.withDescription("room '" + r.getConversation().getRoom() + "' does not exist")
                    .asRuntimeException());
            return;
        }
        ServerCallStreamObserver<ChatMessage> stream = (ServerCallStreamObserver<ChatMessage>) out;
        synchronized (chat) {
            int sentNew = 0;
            for (ChatMessage m : chat.all(r.getConversation())) {
                if (m.getSeq() <= r.getAfterSeq() - resendOld || omit.contains(m.getSeq())) {
                    continue;
                }
                if (breakAfter >= 0 && m.getSeq() > r.getAfterSeq() && sentNew == breakAfter) {
                    break;
                }
                stream.onNext(m);
                sentNew += m.getSeq() > r.getAfterSeq() ? 1 : 0;
            }
            if (breakAfter >= 0) {
                stream.onError(Status.UNAVAILABLE.withDescription("node " + id + " went down").asRuntimeException());
                return;
            }
            chat.follow(r.getConversation(), stream);
        }
    }

    @Override
    public void getClusterInfo(GetClusterInfoRequest r, StreamObserver<ClusterInfo> out) {
        boolean leads = redirectTo == null;
        out.onNext(ClusterInfo.newBuilder().setNodeId(id).setRole(leads ? "STATE_LEADER" : "STATE_FOLLOWER").setTerm(3)
                .setLeaderId(leads ? id : "").setLeaderApiAddress(leads ? address : "").setAppliedIndex(42).build());
        out.onCompleted();
    }

    @SuppressWarnings("unchecked")
    private <T> void write(String key, StreamObserver<T> out, Supplier<T> apply) {
        keysSeen.add(key);
        try {
            Status failure = alwaysFailWrites != null ? alwaysFailWrites : writeFailures.poll();
            if (failure != null) {
                throw failure.asRuntimeException();
            }
            if (redirectTo != null) {
                throw notLeader(redirectTo);
            }
            T answer = (T) chat.answerFor(key);
            if (answer == null) {
                answer = apply.get();
                chat.remember(key, answer);
            }
            out.onNext(answer);
            out.onCompleted();
        } catch (StatusRuntimeException e) {
            out.onError(e);
        }
    }

    private static StatusRuntimeException notLeader(String leaderAddress) {
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.FAILED_PRECONDITION_VALUE)
                .setMessage("not the leader")
                .addDetails(Any.pack(NotLeader.newBuilder()
                        .setLeaderId(leaderAddress.isEmpty() ? "" : "leader")
                        .setLeaderApiAddress(leaderAddress)
                        .build()))
                .build());
    }
}
