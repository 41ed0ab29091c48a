package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.raftchat.statemachine.TestLog.createRoom;
import static org.raftchat.statemachine.TestLog.deleteRoom;
import static org.raftchat.statemachine.TestLog.entries;
import static org.raftchat.statemachine.TestLog.entry;
import static org.raftchat.statemachine.TestLog.join;
import static org.raftchat.statemachine.TestLog.post;
import static org.raftchat.statemachine.TestLog.roomRef;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.Command;

/** Apply reads hot keys from memory: it must always read what the database holds. */
class ApplyCacheTest {

    @TempDir
    Path dir;

    @Test
    void aRestoreForgetsWhatApplyCachedFromTheReplacedState() {
        // Goal: after a restore, the seq counter comes from the restored state, not from the memory of the old one.
        try (ChatStateMachine machine = ChatStateMachine.open(dir.resolve("db"))) {
            TestLog.registerAll(machine, "alice");
            long next = machine.appliedIndex() + 1;
            machine.applyBatch(entries(next, createRoom("general", "alice"), post("general", "alice", "one")));
            machine.checkpointTo(dir.resolve("cp"));
            machine.applyBatch(entries(next + 2, post("general", "alice", "two"), post("general", "alice", "three")));

            machine.restoreFrom(dir.resolve("cp"));
            List<ApplyResult> results = machine.applyBatch(entries(next + 2, post("general", "alice", "two again")));

            assertThat(((ApplyResult.MessageStored) results.get(0)).message().getSeq()).isEqualTo(2);
            assertThat(machine.lastSeq(roomRef("general"))).isEqualTo(2);
        }
    }

    @Test
    void aBatchThatIsNotWrittenLeavesNothingInMemory() {
        // Goal: a post applied in a batch that then fails on a corrupt entry does not advance the counter apply sees.
        try (ChatStateMachine machine = ChatStateMachine.open(dir.resolve("db"))) {
            TestLog.registerAll(machine, "alice");
            long next = machine.appliedIndex() + 1;
            machine.applyBatch(entries(next, createRoom("general", "alice"), post("general", "alice", "one")));
            List<LogEntry> failing = List.of(entry(next + 2, post("general", "alice", "lost")),
                    new LogEntry(next + 3, new byte[] {(byte) 0xff, 0x01}));
            assertThatThrownBy(() -> machine.applyBatch(failing)).isInstanceOf(CorruptLogException.class);

            List<ApplyResult> results = machine.applyBatch(entries(next + 2, post("general", "alice", "two")));

            assertThat(((ApplyResult.MessageStored) results.get(0)).message().getSeq()).isEqualTo(2);
        }
    }

    @Test
    void writesOfTheSameBatchAreSeenByPrefixScans() {
        // Goal: deleting a room in the batch that posted to it deletes those posts too (scan = database + batch writes),
        // exactly as when each entry is a batch of its own.
        List<Command> commands = List.of(createRoom("general", "alice"), join("general", "bob"),
                post("general", "alice", "one"), post("general", "bob", "two"), deleteRoom("general", "alice"),
                createRoom("general", "bob"), post("general", "bob", "fresh"));
        byte[] oneBatch;
        byte[] oneByOne;
        try (ChatStateMachine a = ChatStateMachine.open(dir.resolve("a"))) {
            TestLog.registerAll(a, "alice", "bob");
            a.applyBatch(entries(a.appliedIndex() + 1, commands.toArray(Command[]::new)));
            oneBatch = a.stateDigest();
            assertThat(a.lastSeq(roomRef("general"))).isEqualTo(1);
        }
        try (ChatStateMachine b = ChatStateMachine.open(dir.resolve("b"))) {
            TestLog.registerAll(b, "alice", "bob");
            for (Command command : commands) {
                b.applyBatch(List.of(entry(b.appliedIndex() + 1, command)));
            }
            oneByOne = b.stateDigest();
        }
        assertThat(oneBatch).isEqualTo(oneByOne);
    }

    @Test
    void keepsAtMostItsBoundLeastRecentlyUsedOutFirst() {
        // Goal: the cache is bounded and evicts the key read longest ago.
        ApplyCache cache = new ApplyCache(2);
        cache.remember(key("a"), bytes("1"));
        cache.remember(key("b"), null);
        cache.value(key("a"));
        cache.remember(key("c"), bytes("3"));

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.contains(key("b"))).isFalse();
        assertThat(cache.value(key("a"))).isEqualTo(bytes("1"));
        cache.written(key("a"), null);
        cache.written(key("d"), bytes("4"));
        assertThat(cache.contains(key("a"))).isTrue();
        assertThat(cache.value(key("a"))).isNull();
        assertThat(cache.contains(key("d"))).as("a write does not add keys apply never read").isFalse();
    }

    private static ByteBuffer key(String s) {
        return ByteBuffer.wrap(bytes(s));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
