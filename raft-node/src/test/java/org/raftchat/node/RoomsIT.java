package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.code;
import static org.raftchat.node.testing.Api.join;
import static org.raftchat.node.testing.Api.post;

import io.grpc.Status;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.node.testing.Api;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.DeleteRoomRequest;
import org.raftchat.proto.v1.DeleteRoomResponse;
import org.raftchat.proto.v1.LeaveRoomRequest;
import org.raftchat.proto.v1.ListMembersRequest;
import org.raftchat.proto.v1.ListRoomsRequest;
import org.raftchat.proto.v1.RoomSummary;

/** Rooms, membership and their permissions through the public API of a 3-node cluster. */
class RoomsIT {

    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3);
    TestSession aliceSession;
    TestSession bobSession;
    ChatServiceBlockingStub bobOnFollower;

    @BeforeEach
    void logIn() {
        // Sessions log in with leader-following retries: on a loaded machine leadership may move during setup.
        aliceSession = new TestSession(cluster, "alice", "d");
        bobSession = new TestSession(cluster, "bob", "d");
        aliceSession.token();
        bobOnFollower = cluster.anonymousStub(cluster.followers().get(0).id()).withCallCredentials(bobSession);
    }

    @Test
    void everyUserIsInMainHallAndRoomsListWithOwnerDescriptionAndCount() {
        // Goal: MainHall holds every user; a created room lists its owner, description and member count on any node.
        alice().createRoom(CreateRoomRequest.newBuilder().setIdempotencyKey(key()).setRoom("rust").setDescription("Crabs welcome").build());
        join(bob(), "rust");

        List<RoomSummary> rooms = bobOnFollower.listRooms(ListRoomsRequest.getDefaultInstance()).getRoomsList();

        assertThat(rooms).extracting(RoomSummary::getName, RoomSummary::getOwner, RoomSummary::getDescription, RoomSummary::getMemberCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("MainHall", "system", "The lobby: every user is here", 2),
                        org.assertj.core.groups.Tuple.tuple("rust", "alice", "Crabs welcome", 2));
        assertThat(bobOnFollower.listMembers(ListMembersRequest.newBuilder().setRoom("MainHall").build()).getMembersList())
                .containsExactly("alice", "bob");
    }

    @Test
    void postingToOrReadingARoomYouAreNotInIsPermissionDenied() {
        // Goal: only members post and read; joining grants both, leaving takes them away again.
        Api.createRoom(alice(), "private-club");
        post(alice(), "private-club", "members only");

        assertThat(code(catchThrowable(() -> post(bob(), "private-club", "let me in")))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(catchThrowable(() -> allMessages(bobOnFollower, "private-club")))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(catchThrowable(() -> bobOnFollower.listMembers(ListMembersRequest.newBuilder().setRoom("private-club").build()))))
                .isEqualTo(Status.Code.PERMISSION_DENIED);

        join(bob(), "private-club");
        post(bob(), "private-club", "thanks");
        assertThat(allMessages(bobOnFollower, "private-club")).extracting(ChatMessage::getAuthor).containsExactly("alice", "bob");

        bob().leaveRoom(LeaveRoomRequest.newBuilder().setIdempotencyKey(key()).setRoom("private-club").build());
        assertThat(code(catchThrowable(() -> post(bob(), "private-club", "still here?")))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(catchThrowable(() -> bob().leaveRoom(LeaveRoomRequest.newBuilder().setIdempotencyKey(key())
                .setRoom("MainHall").build())))).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void onlyTheOwnerDeletesARoomAndItsMembersAreToldInMainHall() {
        // Goal: a non-owner is refused; the owner's delete removes the room and posts a notice to MainHall.
        Api.createRoom(alice(), "doomed");
        join(bob(), "doomed");
        post(bob(), "doomed", "hello");

        assertThat(code(catchThrowable(() -> bob().deleteRoom(delete("doomed"))))).isEqualTo(Status.Code.PERMISSION_DENIED);
        DeleteRoomResponse deleted = alice().deleteRoom(delete("doomed"));

        assertThat(deleted.getMovedToMainHallList()).containsExactly("alice", "bob");
        assertThat(code(catchThrowable(() -> allMessages(bobOnFollower, "doomed")))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(catchThrowable(() -> post(bob(), "doomed", "anyone?")))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(allMessages(bobOnFollower, "MainHall")).extracting(ChatMessage::getAuthor, ChatMessage::getText)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("system",
                        "room #doomed was deleted by its owner alice; its 2 members are still here in MainHall"));
    }

    @Test
    void onlyTheAuthorEditsOrDeletesAndEveryNodeShowsTheLatestState() {
        // Goal: edits and deletes are appended events; history on a follower shows the new text or a tombstone.
        Api.createRoom(alice(), "notes");
        join(bob(), "notes");
        long first = post(alice(), "notes", "frist").getSeq();
        long second = post(alice(), "notes", "regret").getSeq();

        assertThat(code(catchThrowable(() -> bob().editMessage(edit(first, "bob was here"))))).isEqualTo(Status.Code.PERMISSION_DENIED);
        ChatMessage event = alice().editMessage(edit(first, "first")).getMessage();
        alice().deleteMessage(org.raftchat.proto.v1.DeleteMessageRequest.newBuilder().setIdempotencyKey(key())
                .setConversation(Api.room("notes")).setSeq(second).build());
        assertThat(code(catchThrowable(() -> alice().editMessage(edit(second, "undo"))))).isEqualTo(Status.Code.FAILED_PRECONDITION);

        List<ChatMessage> history = allMessages(bobOnFollower, "notes");
        assertThat(event.getKind()).isEqualTo(org.raftchat.proto.v1.MessageKind.EDIT);
        assertThat(history).extracting(ChatMessage::getText, ChatMessage::getEdited, ChatMessage::getDeleted, ChatMessage::getRefersToSeq)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("first", true, false, 0L),
                        org.assertj.core.groups.Tuple.tuple("", false, true, 0L),
                        org.assertj.core.groups.Tuple.tuple("first", false, false, first),
                        org.assertj.core.groups.Tuple.tuple("", false, false, second));
    }

    private static org.raftchat.proto.v1.EditMessageRequest edit(long seq, String text) {
        return org.raftchat.proto.v1.EditMessageRequest.newBuilder().setIdempotencyKey(key())
                .setConversation(Api.room("notes")).setSeq(seq).setText(text).build();
    }

    /** Writes go to the current leader, looked up per call. */
    private ChatServiceBlockingStub alice() {
        return cluster.anonymousStub(cluster.awaitLeader().id()).withCallCredentials(aliceSession);
    }

    private ChatServiceBlockingStub bob() {
        return cluster.anonymousStub(cluster.awaitLeader().id()).withCallCredentials(bobSession);
    }

    private static DeleteRoomRequest delete(String room) {
        return DeleteRoomRequest.newBuilder().setIdempotencyKey(key()).setRoom(room).build();
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }
}
