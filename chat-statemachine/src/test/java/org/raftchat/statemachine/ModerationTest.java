package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.statemachine.TestLog.createRoom;
import static org.raftchat.statemachine.TestLog.entries;
import static org.raftchat.statemachine.TestLog.join;
import static org.raftchat.statemachine.TestLog.login;
import static org.raftchat.statemachine.TestLog.post;
import static org.raftchat.statemachine.TestLog.roomRef;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.BanFromRoom;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.CreateRoom;
import org.raftchat.proto.v1.InviteToRoom;
import org.raftchat.proto.v1.KickFromRoom;
import org.raftchat.proto.v1.SetAway;
import org.raftchat.proto.v1.SetRoomInviteOnly;
import org.raftchat.proto.v1.SetRoomTopic;
import org.raftchat.proto.v1.UnbanFromRoom;

/** Topic, invite-only rooms, invite, kick, ban, unban and away messages, as apply decides them. */
class ModerationTest {

    @TempDir
    Path dir;

    private ChatStateMachine machine;
    private long index;

    @BeforeEach
    void open() {
        machine = ChatStateMachine.open(dir.resolve("db"));
        TestLog.registerAll(machine, "alice", "bob", "carol");
        index = 4;
        apply(createRoom("general", "alice"));
    }

    @AfterEach
    void close() {
        machine.close();
    }

    @Test
    void onlyTheOwnerChangesTheTopic() {
        // Goal: the owner's topic replaces the description; anyone else is refused and nothing changes.
        assertThat(apply(topic("general", "alice", "release planning")))
                .isEqualTo(new ApplyResult.RoomSettingsChanged("general", "release planning", false));
        assertThat(machine.room("general").orElseThrow().description()).isEqualTo("release planning");

        apply(join("general", "bob"));
        byte[] before = machine.contentDigest();
        assertThat(rejection(apply(topic("general", "bob", "mine now")))).isEqualTo(Rejection.NOT_ROOM_OWNER);
        assertThat(rejection(apply(topic("nowhere", "alice", "x")))).isEqualTo(Rejection.ROOM_NOT_FOUND);
        assertThat(rejection(apply(topic(WellKnown.MAIN_HALL, "alice", "x")))).isEqualTo(Rejection.NOT_ROOM_OWNER);
        assertThat(machine.contentDigest()).isEqualTo(before);
    }

    @Test
    void inviteOnlyRoomAdmitsTheOwnerAndInvitedUsersOnly() {
        // Goal: a room created invite-only refuses strangers, takes invited users, and keeps strangers from reading.
        apply(Command.newBuilder().setCreateRoom(CreateRoom.newBuilder().setRoom("secret").setCreator("alice")
                .setInviteOnly(true)).build());
        assertThat(machine.room("secret").orElseThrow().inviteOnly()).isTrue();

        byte[] before = machine.contentDigest();
        assertThat(rejection(apply(join("secret", "bob")))).isEqualTo(Rejection.NOT_INVITED);
        assertThat(machine.contentDigest()).isEqualTo(before);
        assertThat(rejection(apply(post("secret", "bob", "hi")))).isEqualTo(Rejection.NOT_A_MEMBER);

        assertThat(apply(invite("secret", "alice", "bob")))
                .isEqualTo(new ApplyResult.StandingChanged("secret", "bob", false, true, false));
        assertThat(apply(join("secret", "bob"))).isInstanceOf(ApplyResult.MembershipChanged.class);
        assertThat(machine.isMember("secret", "bob")).isTrue();
        assertThat(rejection(apply(join("secret", "carol")))).isEqualTo(Rejection.NOT_INVITED);
        assertThat(rejection(apply(invite("secret", "bob", "carol")))).isEqualTo(Rejection.NOT_ROOM_OWNER);
    }

    @Test
    void openingAnInviteOnlyRoomLetsAnyoneJoinAndClosingItKeepsMembers() {
        // Goal: the invite-only toggle decides future joins only.
        apply(join("general", "bob"));
        assertThat(apply(inviteOnly("general", "alice", true)))
                .isEqualTo(new ApplyResult.RoomSettingsChanged("general", "", true));
        assertThat(machine.isMember("general", "bob")).isTrue();
        assertThat(rejection(apply(join("general", "carol")))).isEqualTo(Rejection.NOT_INVITED);
        assertThat(rejection(apply(inviteOnly("general", "bob", false)))).isEqualTo(Rejection.NOT_ROOM_OWNER);

        apply(inviteOnly("general", "alice", false));
        assertThat(apply(join("general", "carol"))).isInstanceOf(ApplyResult.MembershipChanged.class);
    }

    @Test
    void kickRemovesTheMemberWhoMayRejoinAnOpenRoomButNotAnInviteOnlyOne() {
        // Goal: a kick is a forced leave that also withdraws the invitation.
        apply(join("general", "bob"));
        assertThat(apply(kick("general", "alice", "bob")))
                .isEqualTo(new ApplyResult.StandingChanged("general", "bob", false, false, false));
        assertThat(machine.members("general")).containsExactly("alice");
        assertThat(apply(join("general", "bob"))).isInstanceOf(ApplyResult.MembershipChanged.class);

        apply(inviteOnly("general", "alice", true));
        apply(invite("general", "alice", "carol"));
        apply(join("general", "carol"));
        apply(kick("general", "alice", "carol"));
        assertThat(rejection(apply(join("general", "carol")))).isEqualTo(Rejection.NOT_INVITED);
    }

    @Test
    void banKeepsTheUserOutOfJoiningPostingAndReadingUntilUnbanned() {
        // Goal: a ban removes the member and refuses join, post and read access; unban lifts it (no rejoin by itself).
        apply(join("general", "bob"));
        apply(login("bob", "laptop", "bob-token"));
        byte[] token = ByteString.copyFromUtf8("bob-token").toByteArray();

        assertThat(apply(ban("general", "alice", "bob")))
                .isEqualTo(new ApplyResult.StandingChanged("general", "bob", false, false, true));
        assertThat(machine.isMember("general", "bob")).isFalse();
        assertThat(machine.readAccess(roomRef("general"), token, "bob")).isEqualTo(ReadAccess.BANNED);
        assertThat(rejection(apply(join("general", "bob")))).isEqualTo(Rejection.BANNED);
        assertThat(rejection(apply(post("general", "bob", "let me in")))).isEqualTo(Rejection.NOT_A_MEMBER);
        assertThat(rejection(apply(invite("general", "alice", "bob")))).isEqualTo(Rejection.NOT_ALLOWED_FOR_ROOM);

        assertThat(apply(unban("general", "alice", "bob")))
                .isEqualTo(new ApplyResult.StandingChanged("general", "bob", false, false, false));
        assertThat(machine.readAccess(roomRef("general"), token, "bob")).isEqualTo(ReadAccess.NOT_A_MEMBER);
        assertThat(apply(join("general", "bob"))).isInstanceOf(ApplyResult.MembershipChanged.class);
    }

    @Test
    void moderationRefusalsChangeNothing() {
        // Goal: a stranger, the owner as target, an unknown target and an unknown room are all refused without effect.
        apply(join("general", "bob"));
        byte[] before = machine.contentDigest();

        assertThat(rejection(apply(ban("general", "bob", "alice")))).isEqualTo(Rejection.NOT_ROOM_OWNER);
        assertThat(rejection(apply(kick("general", "bob", "carol")))).isEqualTo(Rejection.NOT_ROOM_OWNER);
        assertThat(rejection(apply(ban("general", "alice", "alice")))).isEqualTo(Rejection.NOT_ALLOWED_FOR_ROOM);
        assertThat(rejection(apply(kick("general", "alice", "nobody")))).isEqualTo(Rejection.USER_NOT_FOUND);
        assertThat(rejection(apply(unban("nowhere", "alice", "bob")))).isEqualTo(Rejection.ROOM_NOT_FOUND);
        assertThat(rejection(apply(kick(WellKnown.MAIN_HALL, "alice", "bob")))).isEqualTo(Rejection.NOT_ROOM_OWNER);

        assertThat(machine.contentDigest()).isEqualTo(before);
    }

    @Test
    void deletingARoomForgetsItsBansAndInvitations() {
        // Goal: a room created again under the same name starts with nobody banned or invited.
        apply(ban("general", "alice", "bob"));
        apply(inviteOnly("general", "alice", true));
        apply(invite("general", "alice", "carol"));
        apply(TestLog.deleteRoom("general", "alice"));

        apply(Command.newBuilder().setCreateRoom(CreateRoom.newBuilder().setRoom("general").setCreator("alice")
                .setInviteOnly(true)).build());
        assertThat(rejection(apply(join("general", "carol")))).isEqualTo(Rejection.NOT_INVITED);
        apply(inviteOnly("general", "alice", false));
        assertThat(apply(join("general", "bob"))).isInstanceOf(ApplyResult.MembershipChanged.class);
    }

    @Test
    void awayMessageIsSetAndClearedWithAnEmptyOne() {
        // Goal: SetAway stores the message per user; an empty message means back.
        assertThat(apply(away("bob", "lunch"))).isEqualTo(new ApplyResult.AwaySet("bob", "lunch"));
        assertThat(machine.awayMessages(List.of("alice", "bob", "ghost"))).containsExactly(java.util.Map.entry("bob", "lunch"));
        apply(away("bob", ""));
        assertThat(machine.awayMessages(List.of("bob"))).isEmpty();
        assertThat(rejection(apply(away("ghost", "x")))).isEqualTo(Rejection.USER_NOT_FOUND);
    }

    @Test
    void searchFindsPostsCaseInsensitivelyNewestFirstAndSkipsDeletedOnes() {
        // Goal: search matches a phrase in current post text, never tombstones or events, and pages backwards.
        apply(post("general", "alice", "Deploy at noon"));          // 1
        apply(post("general", "alice", "lunch?"));                  // 2
        apply(post("general", "alice", "the deploy failed"));       // 3
        apply(post("general", "alice", "secret DEPLOY key"));       // 4
        apply(Command.newBuilder().setDeleteMessage(org.raftchat.proto.v1.DeleteMessage.newBuilder().setUser("alice")
                .setConversation(roomRef("general")).setSeq(4)).build());    // 5: delete event
        apply(Command.newBuilder().setEditMessage(org.raftchat.proto.v1.EditMessage.newBuilder().setUser("alice")
                .setConversation(roomRef("general")).setSeq(2).setText("lunch after the deploy")).build()); // 6: edit event

        SearchPage all = machine.search(roomRef("general"), "deploy", 0, 10, 1_000);
        assertThat(all.matches()).extracting(ChatMessage::getSeq).containsExactly(3L, 2L, 1L);
        assertThat(all.nextBeforeSeq()).isZero();

        SearchPage first = machine.search(roomRef("general"), "DEPLOY", 0, 2, 1_000);
        assertThat(first.matches()).extracting(ChatMessage::getSeq).containsExactly(3L, 2L);
        assertThat(first.nextBeforeSeq()).isEqualTo(2);
        SearchPage second = machine.search(roomRef("general"), "deploy", first.nextBeforeSeq(), 2, 1_000);
        assertThat(second.matches()).extracting(ChatMessage::getSeq).containsExactly(1L);
        assertThat(second.nextBeforeSeq()).isZero();

        SearchPage bounded = machine.search(roomRef("general"), "noon", 0, 10, 3);
        assertThat(bounded.matches()).as("only seqs 6..4 were scanned").isEmpty();
        assertThat(bounded.nextBeforeSeq()).isEqualTo(4);
        assertThat(machine.search(roomRef("general"), "noon", bounded.nextBeforeSeq(), 10, 3).matches())
                .extracting(ChatMessage::getSeq).containsExactly(1L);
        assertThat(machine.search(roomRef("general"), "secret", 0, 10, 1_000).matches()).isEmpty();
    }

    @Test
    void aRetriedModerationCommandGetsItsFirstAnswer() {
        // Goal: moderation results are remembered under the owner's idempotency key: a retry after the state moved
        // on answers as the first application did and changes nothing.
        apply(join("general", "bob"));
        Command banBob = TestLog.keyedAs("alice", "k-ban", 0, ban("general", "alice", "bob"));
        Command topic = TestLog.keyedAs("alice", "k-topic", 0, topic("general", "alice", "first"));
        Command away = TestLog.keyedAs("bob", "k-away", 0, away("bob", "lunch"));
        ApplyResult banned = apply(banBob);
        ApplyResult topicSet = apply(topic);
        ApplyResult awaySet = apply(away);
        apply(unban("general", "alice", "bob"));
        apply(topic("general", "alice", "second"));
        apply(away("bob", "back soon"));
        byte[] before = machine.contentDigest();

        assertThat(apply(banBob)).isEqualTo(banned);
        assertThat(apply(topic)).isEqualTo(topicSet);
        assertThat(apply(away)).isEqualTo(awaySet);
        assertThat(machine.contentDigest()).isEqualTo(before);
        assertThat(machine.room("general").orElseThrow().description()).isEqualTo("second");
        assertThat(machine.awayMessages(List.of("bob"))).containsEntry("bob", "back soon");
        assertThat(machine.isMember("general", "bob")).isFalse();
    }

    @Test
    void sameModerationLogGivesTheSameState() {
        // Goal: moderation is deterministic: two replicas applying the same log end with equal digests.
        try (ChatStateMachine other = ChatStateMachine.open(dir.resolve("other"))) {
            TestLog.registerAll(other, "alice", "bob", "carol");
            List<Command> log = List.of(join("general", "bob"), topic("general", "alice", "t"),
                    inviteOnly("general", "alice", true), invite("general", "alice", "carol"), ban("general", "alice", "bob"),
                    away("carol", "brb"), kick("general", "alice", "carol"), unban("general", "alice", "bob"));
            long first = index;
            for (Command command : log) {
                apply(command);
            }
            other.applyBatch(entries(4, createRoom("general", "alice")));
            other.applyBatch(entries(first, log.toArray(Command[]::new)));
            assertThat(other.stateDigest()).isEqualTo(machine.stateDigest());
        }
    }

    private ApplyResult apply(Command command) {
        return machine.applyBatch(entries(index++, command)).get(0);
    }

    private static Rejection rejection(ApplyResult result) {
        assertThat(result).isInstanceOf(ApplyResult.Rejected.class);
        return ((ApplyResult.Rejected) result).reason();
    }

    private static Command topic(String room, String user, String topic) {
        return Command.newBuilder().setSetRoomTopic(SetRoomTopic.newBuilder().setRoom(room).setUser(user).setTopic(topic)).build();
    }

    private static Command inviteOnly(String room, String user, boolean inviteOnly) {
        return Command.newBuilder().setSetRoomInviteOnly(SetRoomInviteOnly.newBuilder().setRoom(room).setUser(user)
                .setInviteOnly(inviteOnly)).build();
    }

    private static Command invite(String room, String user, String target) {
        return Command.newBuilder().setInviteToRoom(InviteToRoom.newBuilder().setRoom(room).setUser(user).setTarget(target)).build();
    }

    private static Command kick(String room, String user, String target) {
        return Command.newBuilder().setKickFromRoom(KickFromRoom.newBuilder().setRoom(room).setUser(user).setTarget(target)).build();
    }

    private static Command ban(String room, String user, String target) {
        return Command.newBuilder().setBanFromRoom(BanFromRoom.newBuilder().setRoom(room).setUser(user).setTarget(target)).build();
    }

    private static Command unban(String room, String user, String target) {
        return Command.newBuilder().setUnbanFromRoom(UnbanFromRoom.newBuilder().setRoom(room).setUser(user).setTarget(target)).build();
    }

    private static Command away(String user, String message) {
        return Command.newBuilder().setSetAway(SetAway.newBuilder().setUsername(user).setMessage(message)).build();
    }
}
