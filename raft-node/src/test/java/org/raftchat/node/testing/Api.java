package org.raftchat.node.testing;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.NotLeader;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.proto.v1.PostRoomMessageRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;

/** Short forms of the client API calls the integration tests make. */
public final class Api {

    /** The largest history page the nodes serve. */
    private static final int HISTORY_PAGE = 1000;

    private Api() {
    }

    public static ConversationRef room(String name) {
        return ConversationRef.newBuilder().setRoom(name).build();
    }

    public static void createRoom(ChatServiceBlockingStub stub, String room) {
        stub.createRoom(CreateRoomRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
                .setRoom(room).build());
    }

    public static ChatMessage post(ChatServiceBlockingStub stub, String room, String text, String key) {
        return stub.postRoomMessage(PostRoomMessageRequest.newBuilder()
                .setIdempotencyKey(key).setRoom(room).setText(text).build()).getMessage();
    }

    public static ChatMessage post(ChatServiceBlockingStub stub, String room, String text) {
        return post(stub, room, text, UUID.randomUUID().toString());
    }

    /** Every message of a room, oldest first, read linearizably on the stub's node. */
    public static List<ChatMessage> allMessages(ChatServiceBlockingStub stub, String room) {
        // Page by page: a page holds at most 1000 messages, and busy tests write more than that.
        List<ChatMessage> all = new ArrayList<>();
        while (true) {
            long after = all.isEmpty() ? 0 : all.get(all.size() - 1).getSeq();
            List<ChatMessage> page = stub.readHistory(ReadHistoryRequest.newBuilder().setConversation(room(room))
                    .setAfterSeq(after).setLimit(HISTORY_PAGE).build()).getMessagesList();
            all.addAll(page);
            if (page.size() < HISTORY_PAGE) {
                return all;
            }
        }
    }

    /** Registers (with {@link TestSession#PASSWORD}) and logs in on this node; returns the token. */
    public static String registerAndLogin(ChatServiceBlockingStub anonymous, String user, String device) {
        anonymous.register(RegisterRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
                .setUsername(user).setPassword(TestSession.PASSWORD).build());
        return login(anonymous, user, device);
    }

    public static String login(ChatServiceBlockingStub anonymous, String user, String device) {
        return anonymous.login(LoginRequest.newBuilder().setUsername(user).setPassword(TestSession.PASSWORD)
                .setDeviceId(device).build()).getToken();
    }

    /** The stub, calling as the session with this token. */
    public static ChatServiceBlockingStub as(ChatServiceBlockingStub stub, String token) {
        return stub.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(TestSession.bearer(token)));
    }

    public static ChatMessage dm(ChatServiceBlockingStub stub, String recipient, String text) {
        return stub.sendDirectMessage(org.raftchat.proto.v1.SendDirectMessageRequest.newBuilder()
                .setIdempotencyKey(UUID.randomUUID().toString()).setRecipient(recipient).setText(text).build()).getMessage();
    }

    public static void join(ChatServiceBlockingStub stub, String room) {
        stub.joinRoom(org.raftchat.proto.v1.JoinRoomRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
                .setRoom(room).build());
    }

    public static ConversationRef direct(String a, String b) {
        return ConversationRef.newBuilder().setDirect(org.raftchat.proto.v1.DirectPair.newBuilder().setUserA(a).setUserB(b)).build();
    }

    public static Status.Code code(Throwable t) {
        return t instanceof StatusRuntimeException sre ? sre.getStatus().getCode() : Status.Code.UNKNOWN;
    }

    /** The leader's API address carried by a FAILED_PRECONDITION answer, or "" if none. */
    public static String leaderHint(Throwable t) {
        com.google.rpc.Status status = StatusProto.fromThrowable(t);
        if (status == null) {
            return "";
        }
        return status.getDetailsList().stream().filter(d -> d.is(NotLeader.class)).findFirst().map(d -> {
            try {
                return d.unpack(NotLeader.class).getLeaderApiAddress();
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }).orElse("");
    }
}
