package org.raftchat.client;

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
import org.raftchat.proto.v1.DeleteMessageRequest;
import org.raftchat.proto.v1.DeleteRoomRequest;
import org.raftchat.proto.v1.DeleteRoomResponse;
import org.raftchat.proto.v1.EditMessageRequest;
import org.raftchat.proto.v1.FriendRequest;
import org.raftchat.proto.v1.FriendResponse;
import org.raftchat.proto.v1.GetClusterInfoRequest;
import org.raftchat.proto.v1.GetUnreadRequest;
import org.raftchat.proto.v1.GetUnreadResponse;
import org.raftchat.proto.v1.HeartbeatRequest;
import org.raftchat.proto.v1.HeartbeatResponse;
import org.raftchat.proto.v1.JoinRoomRequest;
import org.raftchat.proto.v1.LeaveRoomRequest;
import org.raftchat.proto.v1.ListFriendsRequest;
import org.raftchat.proto.v1.ListFriendsResponse;
import org.raftchat.proto.v1.ListMembersRequest;
import org.raftchat.proto.v1.ListMembersResponse;
import org.raftchat.proto.v1.ListOnlineRequest;
import org.raftchat.proto.v1.ListOnlineResponse;
import org.raftchat.proto.v1.ListRoomsRequest;
import org.raftchat.proto.v1.ListRoomsResponse;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.LoginResponse;
import org.raftchat.proto.v1.LogoutRequest;
import org.raftchat.proto.v1.LogoutResponse;
import org.raftchat.proto.v1.MarkReadRequest;
import org.raftchat.proto.v1.MarkReadResponse;
import org.raftchat.proto.v1.MessageKind;
import org.raftchat.proto.v1.NotLeader;
import org.raftchat.proto.v1.PostMessageResponse;
import org.raftchat.proto.v1.PostRoomMessageRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.proto.v1.RegisterResponse;
import org.raftchat.proto.v1.RoomMembershipResponse;
import org.raftchat.proto.v1.RoomSummary;
import org.raftchat.proto.v1.SendDirectMessageRequest;
import org.raftchat.proto.v1.SetNicknameRequest;
import org.raftchat.proto.v1.SetNicknameResponse;
import org.raftchat.proto.v1.SubscribeRequest;

/**
 * A scriptable stand-in for one node: a leader that serves writes from the shared {@link FakeChat},
 * or a follower that answers NotLeader, plus knobs for the failures the client must survive.
 */
public final class FakeNode extends ChatServiceGrpc.ChatServiceImplBase {

    public final String id;
    public final String address;
    private final FakeChat chat;

    /** null: this node leads. Otherwise it is a follower whose hint is this address ("" = no leader known). */
    public volatile String redirectTo;
    /** Failures answered to the next writes, one each, before they are served. */
    public final ConcurrentLinkedDeque<Status> writeFailures = new ConcurrentLinkedDeque<>();
    /** Failures with details (trailers), answered before {@link #writeFailures}. */
    public final ConcurrentLinkedDeque<StatusRuntimeException> richWriteFailures = new ConcurrentLinkedDeque<>();
    /** When set, every write fails with it. */
    public volatile Status alwaysFailWrites;
    public final ConcurrentLinkedDeque<Status> readFailures = new ConcurrentLinkedDeque<>();

    /** Subscribe: end the stream with UNAVAILABLE after this many new messages (-1: stay open and go live). */
    public volatile int breakAfter = -1;
    /** Subscribe: first resend this many messages at or below after_seq, as a node that lags behind the client might. */
    public volatile int resendOld;
    /** Subscribe: never send these seqs (a broken server). */
    public volatile Set<Long> omit = Set.of();

    public final List<String> keysSeen = new CopyOnWriteArrayList<>();
    public final List<Long> subscribedAfter = new CopyOnWriteArrayList<>();

    /** StreamQueue: the deliveries this node hands out (each stream sends those after its request's id). */
    public final List<org.raftchat.proto.v1.QueueDelivery> queueDeliveries = new CopyOnWriteArrayList<>();
    /** StreamQueue: how each stream ends after its deliveries, one per stream; none left: it stays open. */
    public final ConcurrentLinkedDeque<Status> queueStreamEnds = new ConcurrentLinkedDeque<>();
    /** StreamQueue: the after_delivery_id of each stream opened here. */
    public final List<Long> queueStreamsAfter = new CopyOnWriteArrayList<>();

    public FakeNode(String id, String address, FakeChat chat) {
        this.id = id;
        this.address = address;
        this.chat = chat;
    }

    /** The caller's name, from a "Bearer token-NAME" header; the fake does not check passwords. */
    public static final Context.Key<String> CALLER = Context.key("fake-caller");
    /** The caller when a call carries no token (tests of the client's retry rules do not log in). */
    public static final String DEFAULT_CALLER = "alice";

    public static ServerInterceptor callerInterceptor() {
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

    public static String caller() {
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
                .setNickname(r.getUsername()).addAllUnread(chat.unread()).build());
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
            ChatMessage m = chat.append(ConversationRefs.room(r.getRoom()), author, r.getText());
            return PostMessageResponse.newBuilder().setMessage(m).build();
        });
    }

    @Override
    public void sendDirectMessage(SendDirectMessageRequest r, StreamObserver<PostMessageResponse> out) {
        String sender = caller();
        write(r.getIdempotencyKey(), out, () -> {
            ChatMessage m = chat.append(ConversationRefs.direct(sender, r.getRecipient()), sender, r.getText());
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
    public void streamQueue(org.raftchat.proto.v1.StreamQueueRequest r, StreamObserver<org.raftchat.proto.v1.QueueDelivery> out) {
        queueStreamsAfter.add(r.getAfterDeliveryId());
        for (org.raftchat.proto.v1.QueueDelivery d : queueDeliveries) {
            if (d.getDeliveryId() > r.getAfterDeliveryId()) {
                out.onNext(d);
            }
        }
        Status end = queueStreamEnds.poll();
        if (end != null) {
            out.onError(end.asRuntimeException());
        }
    }

    @Override
    public void getClusterInfo(GetClusterInfoRequest r, StreamObserver<ClusterInfo> out) {
        boolean leads = redirectTo == null;
        out.onNext(ClusterInfo.newBuilder().setNodeId(id).setRole(leads ? "STATE_LEADER" : "STATE_FOLLOWER").setTerm(3)
                .setLeaderId(leads ? id : "").setLeaderApiAddress(leads ? address : "").setAppliedIndex(42).build());
        out.onCompleted();
    }

    // ---- the rest of the API: canned answers over FakeChat, enough for the CLI's output tests ----

    /** The fake's other users; "nobody" does not exist. */
    private static final List<String> USERS = List.of("alice", "bob");

    @Override
    public void logout(LogoutRequest r, StreamObserver<LogoutResponse> out) {
        write(r.getIdempotencyKey(), out, LogoutResponse::getDefaultInstance);
    }

    /** The fake's sessions of the caller: "laptop" is the calling one. */
    public static final String LAPTOP_SESSION = "a1b2c3d4e5f6";
    public static final String PHONE_SESSION = "0123456789ab";
    /** The last password change the fake accepted: old and new password. */
    public volatile List<String> lastPasswordChange;

    @Override
    public void listSessions(org.raftchat.proto.v1.ListSessionsRequest r, StreamObserver<org.raftchat.proto.v1.ListSessionsResponse> out) {
        reply(out, org.raftchat.proto.v1.ListSessionsResponse.newBuilder()
                .addSessions(org.raftchat.proto.v1.SessionSummary.newBuilder().setId(PHONE_SESSION).setDeviceId("phone")
                        .setCreatedAtMs(FakeChat.EPOCH_MS).setLastActiveMs(FakeChat.EPOCH_MS + 60_000)
                        .setIdleExpiresAtMs(FakeChat.EPOCH_MS + 60_000 + 604_800_000L).setExpiresAtMs(FakeChat.EPOCH_MS + 2_592_000_000L))
                .addSessions(org.raftchat.proto.v1.SessionSummary.newBuilder().setId(LAPTOP_SESSION).setDeviceId("laptop")
                        .setCreatedAtMs(FakeChat.EPOCH_MS + 1000).setLastActiveMs(FakeChat.EPOCH_MS + 2000).setOnline(true).setCurrent(true))
                .build());
    }

    @Override
    public void revokeSession(org.raftchat.proto.v1.RevokeSessionRequest r, StreamObserver<org.raftchat.proto.v1.RevokeSessionResponse> out) {
        write(r.getIdempotencyKey(), out, () -> {
            if (!List.of(LAPTOP_SESSION, PHONE_SESSION).contains(r.getSessionId())) {
                throw Status.NOT_FOUND.withDescription("you have no session with id '" + r.getSessionId() + "'").asRuntimeException();
            }
            return org.raftchat.proto.v1.RevokeSessionResponse.newBuilder().setSessionsEnded(1).build();
        });
    }

    @Override
    public void logoutAll(org.raftchat.proto.v1.LogoutAllRequest r, StreamObserver<org.raftchat.proto.v1.LogoutAllResponse> out) {
        write(r.getIdempotencyKey(), out, () -> org.raftchat.proto.v1.LogoutAllResponse.newBuilder()
                .setSessionsEnded(r.getKeepCurrent() ? 1 : 2).build());
    }

    @Override
    public void changePassword(org.raftchat.proto.v1.ChangePasswordRequest r,
                               StreamObserver<org.raftchat.proto.v1.ChangePasswordResponse> out) {
        write(r.getIdempotencyKey(), out, () -> {
            if (r.getOldPassword().equals("wrong password")) {
                throw Status.PERMISSION_DENIED.withDescription("the old password is wrong").asRuntimeException();
            }
            lastPasswordChange = List.of(r.getOldPassword(), r.getNewPassword());
            return org.raftchat.proto.v1.ChangePasswordResponse.newBuilder().setSessionsEnded(1).build();
        });
    }

    @Override
    public void setNickname(SetNicknameRequest r, StreamObserver<SetNicknameResponse> out) {
        write(r.getIdempotencyKey(), out, () -> {
            if (r.getNickname().equals("taken")) {
                throw Status.ALREADY_EXISTS.withDescription("nickname 'taken' is in use").asRuntimeException();
            }
            return SetNicknameResponse.newBuilder().setNickname(r.getNickname()).build();
        });
    }

    @Override
    public void listRooms(ListRoomsRequest r, StreamObserver<ListRoomsResponse> out) {
        ListRoomsResponse.Builder rooms = ListRoomsResponse.newBuilder();
        for (String room : chat.rooms()) {
            rooms.addRooms(RoomSummary.newBuilder().setName(room).setOwner("alice").setMemberCount(2)
                    .setDescription(room.equals("general") ? "everything" : ""));
        }
        reply(out, rooms.build());
    }

    @Override
    public void joinRoom(JoinRoomRequest r, StreamObserver<RoomMembershipResponse> out) {
        write(r.getIdempotencyKey(), out, () -> RoomMembershipResponse.newBuilder()
                .setRoom(existingRoom(r.getRoom())).setMember(true).setMemberCount(2).build());
    }

    @Override
    public void leaveRoom(LeaveRoomRequest r, StreamObserver<RoomMembershipResponse> out) {
        write(r.getIdempotencyKey(), out, () -> RoomMembershipResponse.newBuilder()
                .setRoom(existingRoom(r.getRoom())).setMember(false).setMemberCount(1).build());
    }

    @Override
    public void listMembers(ListMembersRequest r, StreamObserver<ListMembersResponse> out) {
        try {
            existingRoom(r.getRoom());
            reply(out, ListMembersResponse.newBuilder().addAllMembers(USERS).build());
        } catch (StatusRuntimeException e) {
            out.onError(e);
        }
    }

    @Override
    public void deleteRoom(DeleteRoomRequest r, StreamObserver<DeleteRoomResponse> out) {
        write(r.getIdempotencyKey(), out, () -> DeleteRoomResponse.newBuilder()
                .setRoom(existingRoom(r.getRoom())).addAllMovedToMainHall(USERS).build());
    }

    @Override
    public void getUnread(GetUnreadRequest r, StreamObserver<GetUnreadResponse> out) {
        reply(out, GetUnreadResponse.newBuilder().addAllConversations(chat.unread()).build());
    }

    @Override
    public void markRead(MarkReadRequest r, StreamObserver<MarkReadResponse> out) {
        write(r.getIdempotencyKey(), out, () -> MarkReadResponse.newBuilder()
                .setReadSeq(chat.markRead(r.getConversation(), r.getSeq())).build());
    }

    @Override
    public void heartbeat(HeartbeatRequest r, StreamObserver<HeartbeatResponse> out) {
        reply(out, HeartbeatResponse.getDefaultInstance());
    }

    @Override
    public void listOnline(ListOnlineRequest r, StreamObserver<ListOnlineResponse> out) {
        reply(out, ListOnlineResponse.newBuilder().addAllUsers(USERS).build());
    }

    @Override
    public void addFriend(FriendRequest r, StreamObserver<FriendResponse> out) {
        write(r.getIdempotencyKey(), out, () -> FriendResponse.newBuilder().setFriend(existingUser(r.getFriend())).setFriends(true).build());
    }

    @Override
    public void removeFriend(FriendRequest r, StreamObserver<FriendResponse> out) {
        write(r.getIdempotencyKey(), out, () -> FriendResponse.newBuilder().setFriend(existingUser(r.getFriend())).setFriends(false).build());
    }

    @Override
    public void listFriends(ListFriendsRequest r, StreamObserver<ListFriendsResponse> out) {
        reply(out, ListFriendsResponse.newBuilder()
                .addFriends(org.raftchat.proto.v1.Friend.newBuilder().setUsername("bob").setOnline(true)).build());
    }

    @Override
    public void editMessage(EditMessageRequest r, StreamObserver<PostMessageResponse> out) {
        String author = caller();
        write(r.getIdempotencyKey(), out, () -> PostMessageResponse.newBuilder().setMessage(
                chat.appendEvent(ownMessage(r.getConversation(), r.getSeq(), author), author, MessageKind.EDIT, r.getSeq(), r.getText()))
                .build());
    }

    @Override
    public void deleteMessage(DeleteMessageRequest r, StreamObserver<PostMessageResponse> out) {
        String author = caller();
        write(r.getIdempotencyKey(), out, () -> PostMessageResponse.newBuilder().setMessage(
                chat.appendEvent(ownMessage(r.getConversation(), r.getSeq(), author), author, MessageKind.DELETE, r.getSeq(), ""))
                .build());
    }

    private String existingRoom(String room) {
        if (!chat.roomExists(room)) {
            throw Status.NOT_FOUND.withDescription("room '" + room + "' does not exist").asRuntimeException();
        }
        return room;
    }

    private static String existingUser(String user) {
        if (!USERS.contains(user)) {
            throw Status.NOT_FOUND.withDescription("user '" + user + "' does not exist").asRuntimeException();
        }
        return user;
    }

    private org.raftchat.proto.v1.ConversationRef ownMessage(org.raftchat.proto.v1.ConversationRef ref, long seq, String caller) {
        List<ChatMessage> all = chat.all(ref);
        if (seq < 1 || seq > all.size()) {
            throw Status.NOT_FOUND.withDescription("no message " + seq + " in " + ConversationRefs.describe(ref)).asRuntimeException();
        }
        if (!all.get((int) seq - 1).getAuthor().equals(caller)) {
            throw Status.PERMISSION_DENIED.withDescription("only its author (" + all.get((int) seq - 1).getAuthor()
                    + ") may change message " + seq).asRuntimeException();
        }
        return ref;
    }

    private static <T> void reply(StreamObserver<T> out, T answer) {
        out.onNext(answer);
        out.onCompleted();
    }

    @SuppressWarnings("unchecked")
    private <T> void write(String key, StreamObserver<T> out, Supplier<T> apply) {
        keysSeen.add(key);
        try {
            StatusRuntimeException rich = richWriteFailures.poll();
            if (rich != null) {
                throw rich;
            }
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
