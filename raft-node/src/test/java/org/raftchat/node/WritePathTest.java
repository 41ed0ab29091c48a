package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import io.grpc.Status.Code;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.raftchat.config.Defaults;
import org.raftchat.config.Limits;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.ConsumeRequest;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.EditMessageRequest;
import org.raftchat.proto.v1.FriendRequest;
import org.raftchat.proto.v1.JoinRoomRequest;
import org.raftchat.proto.v1.MarkReadRequest;
import org.raftchat.proto.v1.ModerationRequest;
import org.raftchat.proto.v1.PostMessageResponse;
import org.raftchat.proto.v1.PostRoomMessageRequest;
import org.raftchat.proto.v1.RevokeSessionRequest;
import org.raftchat.proto.v1.RoomMembershipResponse;
import org.raftchat.proto.v1.SendDirectMessageRequest;
import org.raftchat.proto.v1.SetAwayRequest;
import org.raftchat.proto.v1.SetNicknameRequest;
import org.raftchat.proto.v1.SetRoomTopicRequest;
import org.raftchat.statemachine.ApplyResult;
import org.raftchat.statemachine.Rejection;

/**
 * The one path every write takes, without Raft: bad input is refused with INVALID_ARGUMENT before
 * the node asks who leads, who calls or proposes anything; a good request becomes the caller's
 * keyed command; the applied result becomes the route's answer.
 */
class WritePathTest {

    private static final Caller ANN = new Caller("ann", "laptop", new byte[] {1, 2, 3});

    private final List<Command> proposed = new ArrayList<>();
    private final AtomicInteger leaderChecks = new AtomicInteger();
    private final AtomicInteger callerLookups = new AtomicInteger();
    private ApplyResult nextResult = new ApplyResult.AlreadyApplied();
    private boolean leader = true;

    private final RequestValidator validator = new RequestValidator(Limits.defaults());
    private final WriteRoutes routes = new WriteRoutes(validator, Limits.defaults(), room -> "the topic of " + room);
    private final WritePath path = new WritePath(validator, new IdempotencyStamp(Defaults.IDEMPOTENCY_WINDOW_MS),
            () -> {
                leaderChecks.incrementAndGet();
                if (!leader) {
                    throw GrpcErrors.notLeader(new LeaderHint("n2", "127.0.0.1:9102"));
                }
            },
            () -> {
                callerLookups.incrementAndGet();
                return CompletableFuture.completedFuture(ANN);
            },
            command -> {
                proposed.add(command.build());
                return CompletableFuture.completedFuture(nextResult);
            });

    @Test
    void everyRouteRefusesARequestWithoutAnIdempotencyKeyBeforeAnythingElse() throws Exception {
        int routesSeen = 0;
        for (Field field : WriteRoutes.class.getDeclaredFields()) {
            if (field.getType() != WriteRoute.class) {
                continue;
            }
            routesSeen++;
            @SuppressWarnings("unchecked")
            WriteRoute<Message, ?, ?> route = (WriteRoute<Message, ?, ?>) field.get(routes);
            Message empty = defaultRequest(field);

            assertThat(statusOf(() -> path.write(route, empty))).as(field.getName()).isEqualTo(Code.INVALID_ARGUMENT);
            assertThatThrownBy(() -> path.write(route, empty)).as(field.getName()).hasMessageContaining("idempotency_key");
        }
        assertThat(routesSeen).as("the routes found").isGreaterThanOrEqualTo(26);
        assertNothingHappened();
    }

    @Test
    void badInputIsRefusedWithInvalidArgumentAndChangesNothing() {
        Map<String, Supplier<CompletableFuture<?>>> bad = Map.ofEntries(
                Map.entry("post: blank text", () -> path.write(routes.postRoomMessage,
                        PostRoomMessageRequest.newBuilder().setIdempotencyKey("k1").setRoom("lobby").setText(" ").build())),
                Map.entry("post: a room name with a space", () -> path.write(routes.postRoomMessage,
                        PostRoomMessageRequest.newBuilder().setIdempotencyKey("k1").setRoom("the lobby").setText("hi").build())),
                Map.entry("create: a dead-letter name", () -> path.write(routes.createRoom,
                        CreateRoomRequest.newBuilder().setIdempotencyKey("k1").setRoom("jobs.dlq").build())),
                Map.entry("join: no room", () -> path.write(routes.joinRoom,
                        JoinRoomRequest.newBuilder().setIdempotencyKey("k1").build())),
                Map.entry("edit: no conversation", () -> path.write(routes.editMessage,
                        EditMessageRequest.newBuilder().setIdempotencyKey("k1").setSeq(1).setText("x").build())),
                Map.entry("mark read: a negative seq", () -> path.write(routes.markRead, MarkReadRequest.newBuilder()
                        .setIdempotencyKey("k1").setConversation(room("lobby")).setSeq(-1).build())),
                Map.entry("consume: prefetch out of range", () -> path.write(routes.startConsuming,
                        ConsumeRequest.newBuilder().setIdempotencyKey("k1").setRoom("jobs").setPrefetch(-1).build())),
                Map.entry("topic: a control character", () -> path.write(routes.setRoomTopic,
                        SetRoomTopicRequest.newBuilder().setIdempotencyKey("k1").setRoom("lobby").setTopic("a\u0007").build())),
                Map.entry("away: too long", () -> path.write(routes.setAway, SetAwayRequest.newBuilder().setIdempotencyKey("k1")
                        .setMessage("x".repeat(Defaults.MAX_AWAY_MESSAGE_LENGTH + 1)).build())),
                Map.entry("ban: no user", () -> path.write(routes.banFromRoom,
                        ModerationRequest.newBuilder().setIdempotencyKey("k1").setRoom("lobby").build())),
                Map.entry("revoke: not a session id", () -> path.write(routes.revokeSession,
                        RevokeSessionRequest.newBuilder().setIdempotencyKey("k1").setSessionId("nope").build())),
                Map.entry("nickname: a bad name", () -> path.write(routes.setNickname,
                        SetNicknameRequest.newBuilder().setIdempotencyKey("k1").setNickname("a/b").build())),
                Map.entry("key: a character keys may not have", () -> path.write(routes.postRoomMessage,
                        PostRoomMessageRequest.newBuilder().setIdempotencyKey("k 1").setRoom("lobby").setText("hi").build())));

        bad.forEach((what, call) -> assertThat(statusOf(call)).as(what).isEqualTo(Code.INVALID_ARGUMENT));
        assertNothingHappened();
    }

    @Test
    void inputOnlyWrongForThisCallerIsRefusedOnceTheCallerIsKnownAndNothingIsProposed() {
        CompletableFuture<?> toSelf = path.write(routes.sendDirectMessage,
                SendDirectMessageRequest.newBuilder().setIdempotencyKey("k1").setRecipient("ann").setText("hi").build());
        CompletableFuture<?> befriendSelf = path.write(routes.addFriend,
                FriendRequest.newBuilder().setIdempotencyKey("k2").setFriend("ann").build());

        assertThat(statusOf(() -> toSelf)).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(statusOf(() -> befriendSelf)).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(proposed).isEmpty();
    }

    @Test
    void aFollowerRefusesAGoodWriteWithoutLookingUpTheSessionOrProposing() {
        leader = false;

        assertThat(statusOf(() -> path.write(routes.postRoomMessage,
                PostRoomMessageRequest.newBuilder().setIdempotencyKey("k1").setRoom("lobby").setText("hi").build())))
                .isEqualTo(Code.FAILED_PRECONDITION);
        assertThat(callerLookups).hasValue(0);
        assertThat(proposed).isEmpty();
    }

    @Test
    void aPostIsProposedAsTheCallersKeyedCommandAndAnsweredWithTheStoredMessage() {
        ChatMessage stored = ChatMessage.newBuilder().setConversation(room("lobby")).setSeq(7).setAuthor("ann").setText("hi")
                .setLogIndex(42).build();
        nextResult = new ApplyResult.MessageStored(stored);

        PostMessageResponse answer = path.write(routes.postRoomMessage,
                PostRoomMessageRequest.newBuilder().setIdempotencyKey("k1").setRoom("lobby").setText("hi").build()).join();

        assertThat(answer).isEqualTo(PostMessageResponse.newBuilder().setMessage(stored).build());
        assertThat(proposed).hasSize(1);
        Command command = proposed.get(0);
        assertThat(command.getPostRoomMessage().getAuthor()).isEqualTo("ann");
        assertThat(command.getPostRoomMessage().getRoom()).isEqualTo("lobby");
        assertThat(command.getIdempotencyKey()).isEqualTo("k1");
        assertThat(command.getIdempotencyScope()).isEqualTo("ann");
        assertThat(command.getIdempotencyWindowMs()).isEqualTo(Defaults.IDEMPOTENCY_WINDOW_MS);
        assertThat(command.getRequestFingerprint())
                .isEqualTo(IdempotencyStamp.fingerprint(Command.BodyCase.POST_ROOM_MESSAGE, "lobby", "hi"));
    }

    @Test
    void aRejectionIsItsStatusAndAnyOtherUnexpectedResultIsInternal() {
        PostRoomMessageRequest post = PostRoomMessageRequest.newBuilder().setIdempotencyKey("k1").setRoom("lobby").setText("hi")
                .build();

        nextResult = new ApplyResult.Rejected(Rejection.NOT_A_MEMBER, "ann is not a member of room 'lobby'");
        assertThat(statusOf(() -> path.write(routes.postRoomMessage, post))).isEqualTo(Code.PERMISSION_DENIED);

        nextResult = new ApplyResult.RoomCreated("lobby", 3);
        assertThat(statusOf(() -> path.write(routes.postRoomMessage, post))).isEqualTo(Code.INTERNAL);
    }

    @Test
    void aJoinIsAnsweredWithTheMembershipAndTheRoomsTopicAsThisNodeHasItAfterTheJoin() {
        nextResult = new ApplyResult.MembershipChanged("lobby", "ann", true, 5);

        RoomMembershipResponse answer = path.write(routes.joinRoom,
                JoinRoomRequest.newBuilder().setIdempotencyKey("k1").setRoom("lobby").build()).join();

        assertThat(answer).isEqualTo(RoomMembershipResponse.newBuilder().setRoom("lobby").setMember(true).setMemberCount(5)
                .setDescription("the topic of lobby").build());
        assertThat(proposed.get(0).getJoinRoom().getLimits().getMaxRoomsPerUser()).isEqualTo(Defaults.MAX_ROOMS_PER_USER);
    }

    private void assertNothingHappened() {
        assertThat(proposed).isEmpty();
        assertThat(leaderChecks).hasValue(0);
        assertThat(callerLookups).hasValue(0);
    }

    /** The status a client gets for the call, whether it fails at once or later. */
    static Code statusOf(Supplier<? extends CompletableFuture<?>> call) {
        try {
            call.get().join();
            return Code.OK;
        } catch (RuntimeException e) {
            return GrpcErrors.toStatus(e).getStatus().getCode();
        }
    }

    private static Message defaultRequest(Field route) throws ReflectiveOperationException {
        Class<?> request = (Class<?>) ((ParameterizedType) route.getGenericType()).getActualTypeArguments()[0];
        return (Message) request.getMethod("getDefaultInstance").invoke(null);
    }

    private static ConversationRef room(String name) {
        return ConversationRef.newBuilder().setRoom(name).build();
    }
}
