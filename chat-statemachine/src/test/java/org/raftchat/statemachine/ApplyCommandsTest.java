package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.statemachine.TestLog.at;
import static org.raftchat.statemachine.TestLog.createRoom;
import static org.raftchat.statemachine.TestLog.direct;
import static org.raftchat.statemachine.TestLog.entries;
import static org.raftchat.statemachine.TestLog.pairRef;
import static org.raftchat.statemachine.TestLog.post;
import static org.raftchat.statemachine.TestLog.roomRef;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.ChatMessage;

class ApplyCommandsTest {

    @TempDir
    Path dir;

    private ChatStateMachine machine;

    @BeforeEach
    void open() {
        machine = ChatStateMachine.open(dir.resolve("db"));
    }

    @AfterEach
    void close() {
        machine.close();
    }

    @Test
    void freshDatabaseIsEmpty() {
        // Goal: a new database starts at applied index 0, time 0, with no rooms or messages.
        assertThat(machine.appliedIndex()).isZero();
        assertThat(machine.lastTimestampMs()).isZero();
        assertThat(machine.room("general")).isEmpty();
        assertThat(machine.lastSeq(roomRef("general"))).isZero();
    }

    @Test
    void createRoomStoresCreatorTimeAndIndex() {
        // Goal: CreateRoom stores the room with its creator, the leader's time and the entry's index.
        TestLog.registerAll(machine, "alice");
        List<ApplyResult> results = machine.applyBatch(entries(2, at(1_000, createRoom("general", "alice"))));

        assertThat(results).containsExactly(new ApplyResult.RoomCreated("general", 2));
        assertThat(machine.room("general")).contains(new RoomInfo("general", "alice", "", 1_000, 2, 1, false));
        assertThat(machine.appliedIndex()).isEqualTo(2);
        assertThat(machine.lastTimestampMs()).isEqualTo(1_000);
    }

    @Test
    void createExistingRoomIsRejectedAndChangesOnlyTheAppliedIndex() {
        // Goal: a second CreateRoom of a name is refused; the refusal leaves all content as it was.
        TestLog.registerAll(machine, "alice", "bob");
        machine.applyBatch(entries(3, at(1_000, createRoom("general", "alice"))));
        byte[] contentBefore = machine.contentDigest();
        byte[] stateBefore = machine.stateDigest();

        List<ApplyResult> results = machine.applyBatch(entries(4, at(2_000, createRoom("general", "bob"))));

        assertThat(results).containsExactly(
                new ApplyResult.Rejected(Rejection.ROOM_ALREADY_EXISTS, "room 'general' already exists"));
        assertThat(machine.room("general")).contains(new RoomInfo("general", "alice", "", 1_000, 3, 1, false));
        assertThat(machine.contentDigest()).isEqualTo(contentBefore);
        // Documented choice: a refused entry still advances the applied index (it was applied: to no effect).
        assertThat(machine.appliedIndex()).isEqualTo(4);
        assertThat(machine.stateDigest()).isNotEqualTo(stateBefore);
        assertThat(machine.lastTimestampMs()).as("a refusal stores no time").isEqualTo(1_000);
    }

    @Test
    void postToUnknownRoomIsRejectedAndChangesOnlyTheAppliedIndex() {
        // Goal: a message to a room that does not exist is refused and stores nothing.
        byte[] contentBefore = machine.contentDigest();

        List<ApplyResult> results = machine.applyBatch(entries(1, at(1_000, post("nowhere", "alice", "hi"))));

        assertThat(results).containsExactly(
                new ApplyResult.Rejected(Rejection.ROOM_NOT_FOUND, "room 'nowhere' does not exist"));
        assertThat(machine.contentDigest()).isEqualTo(contentBefore);
        assertThat(machine.lastSeq(roomRef("nowhere"))).isZero();
        assertThat(machine.appliedIndex()).isEqualTo(1);
        assertThat(machine.lastTimestampMs()).isZero();
    }

    @Test
    void postRoomMessageStoresSeqTimeAndLogIndex() {
        // Goal: a room message gets seq 1, the leader's time, the entry's index, and is readable back.
        TestLog.registerAll(machine, "alice", "bob");
        machine.applyBatch(entries(3, at(1_000, createRoom("general", "alice")), TestLog.join("general", "bob")));

        List<ApplyResult> results = machine.applyBatch(entries(5, at(1_500, post("general", "bob", "hello"))));

        ChatMessage expected = ChatMessage.newBuilder()
                .setConversation(roomRef("general"))
                .setSeq(1)
                .setAuthor("bob")
                .setText("hello")
                .setTimestampMs(1_500)
                .setLogIndex(5)
                .build();
        assertThat(results).containsExactly(new ApplyResult.MessageStored(expected));
        assertThat(machine.history(roomRef("general"), new HistoryQuery.Latest(10)))
                .isEqualTo(new HistoryPage(List.of(expected), 1));
    }

    @Test
    void textBeyondAsciiIsStoredAndReadBackUnchanged() {
        // Goal: apply stores the text as the command's UTF-8 bytes; accents, CJK and emoji (two chars, four bytes) come back as sent.
        String text = "café 日本 \uD83D\uDE00 done";
        TestLog.registerAll(machine, "alice", "bob");
        machine.applyBatch(entries(3, at(1_000, createRoom("general", "alice")), TestLog.join("general", "bob")));

        List<ApplyResult> results = machine.applyBatch(entries(5,
                at(1_500, post("general", "bob", text)),
                at(1_501, direct("bob", "alice", text))));

        ChatMessage posted = machine.history(roomRef("general"), new HistoryQuery.Latest(1)).messages().get(0);
        ChatMessage sent = machine.history(pairRef("alice", "bob"), new HistoryQuery.Latest(1)).messages().get(0);
        assertThat(posted.getText()).isEqualTo(text);
        assertThat(sent.getText()).isEqualTo(text);
        assertThat(message(results.get(0))).isEqualTo(posted);
        assertThat(message(results.get(1))).isEqualTo(sent);
        assertThat(posted.toByteArray()).isEqualTo(posted.toBuilder().setText(text).build().toByteArray());
    }

    @Test
    void directMessageUsesTheCanonicalPair() {
        // Goal: (bob, alice) and (alice, bob) are one conversation, returned with sorted names.
        TestLog.registerAll(machine, "alice", "bob");
        List<ApplyResult> results = machine.applyBatch(entries(3,
                at(1_000, direct("bob", "alice", "hi alice")),
                at(1_001, direct("alice", "bob", "hi bob"))));

        ChatMessage first = message(results.get(0));
        ChatMessage second = message(results.get(1));
        assertThat(first.getConversation()).isEqualTo(pairRef("alice", "bob"));
        assertThat(first.getAuthor()).isEqualTo("bob");
        assertThat(first.getSeq()).isEqualTo(1);
        assertThat(second.getConversation()).isEqualTo(pairRef("alice", "bob"));
        assertThat(second.getSeq()).isEqualTo(2);
        assertThat(machine.lastSeq(pairRef("bob", "alice"))).isEqualTo(2);
        assertThat(machine.history(pairRef("bob", "alice"), new HistoryQuery.Latest(10)).messages())
                .containsExactly(first, second);
    }

    @Test
    void seqIsNumberedPerConversationWithoutGaps() {
        // Goal: each conversation counts 1, 2, 3, ... on its own, whatever else is interleaved.
        TestLog.registerAll(machine, "u", "x", "y");
        List<ApplyResult> results = machine.applyBatch(entries(4,
                createRoom("a", "u"),
                createRoom("b", "u"),
                post("a", "u", "a1"),
                post("b", "u", "b1"),
                direct("x", "y", "d1"),
                post("nowhere", "u", "refused"),
                post("a", "u", "a2"),
                direct("y", "x", "d2"),
                post("a", "u", "a3")));

        assertThat(results.stream().filter(ApplyResult.MessageStored.class::isInstance)
                        .map(r -> message(r).getText() + "#" + message(r).getSeq()))
                .containsExactly("a1#1", "b1#1", "d1#1", "a2#2", "d2#2", "a3#3");
        assertThat(machine.lastSeq(roomRef("a"))).isEqualTo(3);
        assertThat(machine.lastSeq(roomRef("b"))).isEqualTo(1);
        assertThat(machine.lastSeq(pairRef("x", "y"))).isEqualTo(2);
    }

    @Test
    void timestampsNeverGoBackwards() {
        // Goal: with a decreasing leader clock, every stored time is the highest seen so far, across batches too.
        TestLog.registerAll(machine, "alice", "bob");
        List<ApplyResult> first = machine.applyBatch(entries(3,
                at(5_000, createRoom("general", "alice")),
                at(4_000, post("general", "alice", "one")),
                at(6_000, post("general", "alice", "two"))));
        List<ApplyResult> second = machine.applyBatch(entries(6,
                at(1_000, direct("alice", "bob", "three")),
                at(0, createRoom("other", "bob"))));

        assertThat(machine.room("general").orElseThrow().createdAtMs()).isEqualTo(5_000);
        assertThat(message(first.get(1)).getTimestampMs()).isEqualTo(5_000);
        assertThat(message(first.get(2)).getTimestampMs()).isEqualTo(6_000);
        assertThat(message(second.get(0)).getTimestampMs()).isEqualTo(6_000);
        assertThat(machine.room("other").orElseThrow().createdAtMs()).isEqualTo(6_000);
        assertThat(machine.lastTimestampMs()).isEqualTo(6_000);
    }

    @Test
    void laterEntriesSeeEarlierEntriesOfTheSameBatch() {
        // Goal: a room created earlier in a batch accepts messages and refuses a second creation in that batch.
        TestLog.registerAll(machine, "alice", "bob");
        List<ApplyResult> results = machine.applyBatch(entries(3,
                createRoom("general", "alice"),
                post("general", "alice", "first"),
                createRoom("general", "bob"),
                TestLog.join("general", "bob"),
                post("general", "bob", "second")));

        assertThat(results.get(0)).isEqualTo(new ApplyResult.RoomCreated("general", 3));
        assertThat(message(results.get(1)).getSeq()).isEqualTo(1);
        assertThat(results.get(2)).isInstanceOf(ApplyResult.Rejected.class);
        assertThat(message(results.get(4)).getSeq()).isEqualTo(2);
        assertThat(machine.appliedIndex()).isEqualTo(7);
    }

    @Test
    void emptyBatchChangesNothing() {
        // Goal: applying no entries returns no results and writes nothing.
        byte[] before = machine.stateDigest();

        assertThat(machine.applyBatch(List.of())).isEmpty();
        assertThat(machine.stateDigest()).isEqualTo(before);
        assertThat(machine.appliedIndex()).isZero();
    }

    @Test
    void indexesMayHaveGaps() {
        // Goal: Raft entries that never reach the state machine (configuration changes) leave gaps; that is fine.
        TestLog.registerAll(machine, "alice");
        machine.applyBatch(entries(2, createRoom("general", "alice")));

        List<ApplyResult> results = machine.applyBatch(List.of(
                TestLog.entry(5, post("general", "alice", "after a gap")),
                TestLog.entry(9, post("general", "alice", "after another"))));

        assertThat(message(results.get(1)).getLogIndex()).isEqualTo(9);
        assertThat(machine.appliedIndex()).isEqualTo(9);
    }

    static ChatMessage message(ApplyResult result) {
        assertThat(result).isInstanceOf(ApplyResult.MessageStored.class);
        return ((ApplyResult.MessageStored) result).message();
    }
}
