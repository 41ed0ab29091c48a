package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.as;
import static org.raftchat.node.testing.Api.code;
import static org.raftchat.node.testing.Api.direct;
import static org.raftchat.node.testing.Api.registerAndLogin;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.config.Limits;
import org.raftchat.node.testing.Api;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.DeleteMessageRequest;
import org.raftchat.proto.v1.DeleteRoomRequest;
import org.raftchat.proto.v1.EditMessageRequest;
import org.raftchat.proto.v1.JoinRoomRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.proto.v1.SendDirectMessageRequest;

/**
 * Idempotency keys through the public API of a 3-node cluster: a key belongs to the user who sent
 * it and to the request it was first used for; and edits and deletes by outsiders learn nothing.
 */
class IdempotencyIT {

    @TempDir
    Path dataRoot;
    TestCluster cluster;
    ChatServiceBlockingStub anonymous;

    private void start(Limits limits) {
        cluster = TestCluster.start(3, dataRoot, Duration.ofHours(1), limits);
        anonymous = cluster.anonymousStub(cluster.awaitLeader().id());
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void eveReusingAnnsKeysGetsResultsOfHerOwnNeverAnnsMessage() {
        // Goal: the key of ann's private message, reused by eve for a post or a room, is eve's own fresh key.
        start(Limits.defaults());
        ChatServiceBlockingStub ann = as(anonymous, registerAndLogin(anonymous, "ann", "d"));
        registerAndLogin(anonymous, "bob", "d");
        ChatServiceBlockingStub eve = as(anonymous, registerAndLogin(anonymous, "eve", "d"));
        dm(ann, "bob", "ann's secret for bob", "ann-dm-1");
        dm(ann, "bob", "another secret", "ann-dm-2");

        ChatMessage evePost = Api.post(eve, "MainHall", "hello from eve", "ann-dm-1");
        Throwable eveRoom = catchThrowable(() -> eve.createRoom(CreateRoomRequest.newBuilder()
                .setIdempotencyKey("ann-dm-2").setRoom("evesroom").build()));

        assertThat(evePost.getText()).isEqualTo("hello from eve");
        assertThat(evePost.getAuthor()).isEqualTo("eve");
        assertThat(evePost.getConversation()).isEqualTo(Api.room("MainHall"));
        assertThat(eveRoom).as("eve's room is created with her copy of the key").isNull();
        assertThat(Api.allMessages(eve, "MainHall")).extracting(ChatMessage::getText).containsExactly("hello from eve");
    }

    @Test
    void aKeyUsedForOneKindOfCommandIsRefusedForAnotherWithoutLeakingAnything() {
        // Goal: ann's post key used for CreateRoom, JoinRoom or DeleteRoom answers INVALID_ARGUMENT
        // naming the reuse (not INTERNAL with the post's text), and changes nothing.
        start(Limits.defaults());
        ChatServiceBlockingStub ann = as(anonymous, registerAndLogin(anonymous, "ann", "d"));
        Api.createRoom(ann, "team");
        Api.post(ann, "team", "the post's text", "post-1");

        List<Throwable> refusals = List.of(
                catchThrowable(() -> ann.createRoom(CreateRoomRequest.newBuilder().setIdempotencyKey("post-1").setRoom("other").build())),
                catchThrowable(() -> ann.joinRoom(JoinRoomRequest.newBuilder().setIdempotencyKey("post-1").setRoom("team").build())),
                catchThrowable(() -> ann.deleteRoom(DeleteRoomRequest.newBuilder().setIdempotencyKey("post-1").setRoom("team").build())));

        for (Throwable refusal : refusals) {
            assertThat(code(refusal)).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(description(refusal)).contains("'post-1'", "already used", "another request").doesNotContain("the post's text");
        }
        assertThat(ann.listRooms(org.raftchat.proto.v1.ListRoomsRequest.getDefaultInstance()).getRoomsList())
                .extracting(org.raftchat.proto.v1.RoomSummary::getName).containsExactlyInAnyOrder("MainHall", "team");
    }

    @Test
    void annsKeyOfAPostInRoomAIsRefusedForRoomBAndBStaysEmpty() {
        // Goal: the same key for the same kind of call with other arguments is another request: refused, not answered with A's seq.
        start(Limits.defaults());
        ChatServiceBlockingStub ann = as(anonymous, registerAndLogin(anonymous, "ann", "d"));
        Api.createRoom(ann, "room-a");
        Api.createRoom(ann, "room-b");
        Api.post(ann, "room-a", "for A", "k-1");

        Throwable toB = catchThrowable(() -> Api.post(ann, "room-b", "for A", "k-1"));

        assertThat(code(toB)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Api.allMessages(ann, "room-b")).isEmpty();
        assertThat(Api.allMessages(ann, "room-a")).extracting(ChatMessage::getText).containsExactly("for A");
    }

    @Test
    void theSameRequestRetriedReturnsTheOriginalResult() {
        // Goal: a retry (same user, key, request) is stored once and answered with the first result;
        // a registration retried with another password is another request.
        start(Limits.defaults());
        register("ann", TestSession.PASSWORD, "reg-ann");
        register("ann", TestSession.PASSWORD, "reg-ann");
        Throwable otherPassword = catchThrowable(() -> register("ann", "a different password", "reg-ann"));
        ChatServiceBlockingStub ann = as(anonymous, Api.login(anonymous, "ann", "d"));
        Api.createRoom(ann, "team");

        ChatMessage first = Api.post(ann, "team", "once", "k-1");
        ChatMessage retry = Api.post(ann, "team", "once", "k-1");
        ChatMessage retryElsewhere = Api.post(as(cluster.anonymousStub(cluster.awaitLeader().id()), Api.login(anonymous, "ann", "d2")),
                "team", "once", "k-1");

        assertThat(code(otherPassword)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(retry).isEqualTo(first);
        assertThat(retryElsewhere).as("the key is the user's, whatever the session").isEqualTo(first);
        assertThat(Api.allMessages(ann, "team")).extracting(ChatMessage::getText).containsExactly("once");
    }

    @Test
    void afterTheConfiguredWindowARecordIsPrunedAndTheKeyIsFreeAgain() {
        // Goal: with a 1 s window, the key's record goes once leader time has passed it, and the
        // same key then stores a new request (it would return the old message if records never went).
        start(Limits.defaults().withIdempotencyWindowMs(1_000));
        ChatServiceBlockingStub ann = as(anonymous, registerAndLogin(anonymous, "ann", "d"));
        Api.createRoom(ann, "team");
        ChatMessage first = Api.post(ann, "team", "first", "k-1");

        // Refused (INVALID_ARGUMENT) while the record lives; every attempt is a keyed write, so it prunes when due.
        ChatMessage second = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e -> code(e) == Status.Code.INVALID_ARGUMENT)
                .until(() -> Api.post(ann, "team", "second", "k-1"), message -> true);

        assertThat(second.getText()).isEqualTo("second");
        assertThat(second.getSeq()).isEqualTo(first.getSeq() + 1);
        assertThat(Api.allMessages(ann, "team")).extracting(ChatMessage::getText).containsExactly("first", "second");
    }

    @Test
    void editsAndDeletesByAnOutsiderGetTheAnswerAReadGetsWhateverTheMessage() {
        // Goal: eve, outside ann<->bob and outside room team, learns neither message counts nor authors:
        // an existing message, a missing one and someone else's all answer as her read does.
        start(Limits.defaults());
        ChatServiceBlockingStub ann = as(anonymous, registerAndLogin(anonymous, "ann", "d"));
        registerAndLogin(anonymous, "bob", "d");
        ChatServiceBlockingStub eve = as(anonymous, registerAndLogin(anonymous, "eve", "d"));
        dm(ann, "bob", "private", "dm-1");
        Api.createRoom(ann, "team");
        Api.post(ann, "team", "members only");

        for (ConversationRef conversation : List.of(direct("ann", "bob"), Api.room("team"))) {
            Throwable read = catchThrowable(() -> eve.readHistory(ReadHistoryRequest.newBuilder().setConversation(conversation).build()));
            List<Throwable> changes = List.of(
                    catchThrowable(() -> edit(eve, conversation, 1)),
                    catchThrowable(() -> edit(eve, conversation, 99)),
                    catchThrowable(() -> eve.deleteMessage(DeleteMessageRequest.newBuilder().setIdempotencyKey("del-" + conversation.hashCode())
                            .setConversation(conversation).setSeq(1).build())));

            assertThat(code(read)).isEqualTo(Status.Code.PERMISSION_DENIED);
            for (Throwable change : changes) {
                assertThat(code(change)).as("%s", conversation).isEqualTo(code(read));
                assertThat(description(change)).doesNotContain("ann").doesNotContain("author").doesNotContain("seq");
            }
        }
        assertThat(Api.allMessages(ann, "team")).extracting(ChatMessage::getText).containsExactly("members only");
    }

    private static ChatMessage dm(ChatServiceBlockingStub stub, String recipient, String text, String key) {
        return stub.sendDirectMessage(SendDirectMessageRequest.newBuilder().setIdempotencyKey(key).setRecipient(recipient)
                .setText(text).build()).getMessage();
    }

    private static void edit(ChatServiceBlockingStub stub, ConversationRef conversation, long seq) {
        stub.editMessage(EditMessageRequest.newBuilder().setIdempotencyKey("edit-" + seq + "-" + conversation.hashCode())
                .setConversation(conversation).setSeq(seq).setText("mine now").build());
    }

    private void register(String user, String password, String key) {
        anonymous.register(RegisterRequest.newBuilder().setIdempotencyKey(key).setUsername(user).setPassword(password).build());
    }

    private static String description(Throwable t) {
        return t instanceof StatusRuntimeException sre ? String.valueOf(sre.getStatus().getDescription()) : String.valueOf(t);
    }
}
