package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.raftchat.statemachine.ApplyCommandsTest.message;
import static org.raftchat.statemachine.TestLog.at;
import static org.raftchat.statemachine.TestLog.createRoom;
import static org.raftchat.statemachine.TestLog.direct;
import static org.raftchat.statemachine.TestLog.entries;
import static org.raftchat.statemachine.TestLog.entry;
import static org.raftchat.statemachine.TestLog.group;
import static org.raftchat.statemachine.TestLog.join;
import static org.raftchat.statemachine.TestLog.keyed;
import static org.raftchat.statemachine.TestLog.post;
import static org.raftchat.statemachine.TestLog.roomRef;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.Command;

/** Entries that carry a group of commands (the leader's group commit). */
class GroupCommitTest {

    @TempDir
    Path dir;

    /** The setup applies entries 1..6 (three registrations, a room, two joins). */
    private static final long GROUP_INDEX = 7;

    private ChatStateMachine machine;

    @BeforeEach
    void open() {
        machine = ChatStateMachine.open(dir.resolve("db"));
        TestLog.registerAll(machine, "alice", "bob", "carol");
        machine.applyBatch(entries(4, at(1_000, createRoom("general", "alice")), join("general", "bob"), join("general", "carol")));
    }

    @AfterEach
    void close() {
        machine.close();
    }

    @Test
    void aGroupAppliesEachCommandInOrderWithItsOwnResult() {
        // Goal: one entry with three commands stores them in the group's order, each with its own time, and
        // reports one result per command; a refused command in the middle does not stop the others.
        List<ApplyResult> results = machine.applyBatch(List.of(entry(GROUP_INDEX, group(
                at(2_000, post("general", "bob", "one")),
                at(2_001, post("nowhere", "bob", "refused")),
                at(2_002, direct("bob", "carol", "psst")),
                at(2_003, post("general", "carol", "two"))))));

        assertThat(results).hasSize(1);
        List<ApplyResult> inner = ((ApplyResult.Batched) results.get(0)).results();
        assertThat(inner).hasSize(4);
        assertThat(message(inner.get(0)).getText()).isEqualTo("one");
        assertThat(inner.get(1)).isInstanceOf(ApplyResult.Rejected.class);
        assertThat(message(inner.get(2)).getSeq()).isEqualTo(1);
        assertThat(message(inner.get(3)).getSeq()).isEqualTo(2);
        assertThat(message(inner.get(3)).getTimestampMs()).isEqualTo(2_003);
        assertThat(message(inner.get(3)).getLogIndex()).as("the entry that carried it").isEqualTo(GROUP_INDEX);
        assertThat(machine.appliedIndex()).isEqualTo(GROUP_INDEX);
        assertThat(machine.history(roomRef("general"), new HistoryQuery.Latest(10)).messages())
                .extracting(ChatMessage::getText).containsExactly("one", "two");
    }

    @Test
    void aRetryInsideTheSameGroupIsStoredOnce() {
        // Goal: a client retry that lands in the same group as its first attempt gets the first result, stored once.
        Command first = at(2_000, keyed("k1", post("general", "bob", "hi")));
        List<ApplyResult> inner = ((ApplyResult.Batched) machine.applyBatch(List.of(entry(GROUP_INDEX, group(first, first)))).get(0)).results();

        assertThat(inner.get(1)).isEqualTo(inner.get(0));
        assertThat(machine.lastSeq(roomRef("general"))).isEqualTo(1);
    }

    @Test
    void aGroupIsSkippedOnReplayLikeAnyEntry() {
        // Goal: replaying a group entry after a restart changes nothing.
        machine.applyBatch(List.of(entry(GROUP_INDEX, group(post("general", "bob", "a"), post("general", "bob", "b")))));
        byte[] digest = machine.stateDigest();

        List<ApplyResult> replay = machine.applyBatch(List.of(entry(GROUP_INDEX, group(post("general", "bob", "a"), post("general", "bob", "b")))));

        assertThat(replay).containsExactly(new ApplyResult.AlreadyApplied());
        assertThat(machine.stateDigest()).isEqualTo(digest);
    }

    @Test
    void emptyOrNestedGroupsAndBodilessMembersAreCorrupt() {
        // Goal: a group the leader could never have written stops the replica and writes nothing.
        assertCorrupt(group());
        assertCorrupt(group(post("general", "bob", "a"), group(post("general", "bob", "b"))));
        assertCorrupt(group(post("general", "bob", "a"), Command.newBuilder().setIdempotencyKey("k").build()));
        assertThat(machine.lastSeq(roomRef("general"))).isZero();
        assertThat(machine.appliedIndex()).isEqualTo(GROUP_INDEX - 1);
    }

    private void assertCorrupt(Command command) {
        assertThatThrownBy(() -> machine.applyBatch(List.of(entry(GROUP_INDEX, command))))
                .isInstanceOf(CorruptLogException.class)
                .satisfies(e -> assertThat(((CorruptLogException) e).index()).isEqualTo(GROUP_INDEX));
    }
}
