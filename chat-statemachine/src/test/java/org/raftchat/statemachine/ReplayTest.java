package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.statemachine.ApplyCommandsTest.message;
import static org.raftchat.statemachine.TestLog.at;
import static org.raftchat.statemachine.TestLog.createRoom;
import static org.raftchat.statemachine.TestLog.direct;
import static org.raftchat.statemachine.TestLog.entries;
import static org.raftchat.statemachine.TestLog.post;
import static org.raftchat.statemachine.TestLog.roomRef;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayTest {

    @TempDir
    Path dir;

    private final List<LogEntry> log = entries(1,
            at(100, TestLog.register("alice")),
            at(200, TestLog.register("bob")),
            at(1_000, createRoom("general", "alice")),
            at(1_100, TestLog.join("general", "bob")),
            at(2_000, post("general", "alice", "one")),
            at(3_000, direct("bob", "alice", "two")),
            at(4_000, post("general", "bob", "three")));

    @Test
    void entriesAtOrBelowTheAppliedIndexAreSkipped() {
        // Goal: replaying already applied entries answers AlreadyApplied and changes nothing at all.
        try (ChatStateMachine machine = ChatStateMachine.open(dir.resolve("db"))) {
            machine.applyBatch(log);
            byte[] before = machine.stateDigest();

            List<ApplyResult> results = machine.applyBatch(log.subList(1, 7));

            assertThat(results).containsOnly(new ApplyResult.AlreadyApplied()).hasSize(6);
            assertThat(machine.stateDigest()).isEqualTo(before);
            assertThat(machine.appliedIndex()).isEqualTo(7);
        }
    }

    @Test
    void aBatchStraddlingTheAppliedIndexAppliesOnlyTheNewEntries() {
        // Goal: after a crash Raft may resend a batch that is partly applied; only the new part takes effect.
        try (ChatStateMachine machine = ChatStateMachine.open(dir.resolve("db"))) {
            machine.applyBatch(log.subList(0, 5));

            List<ApplyResult> results = machine.applyBatch(log);

            assertThat(results.subList(0, 5)).containsOnly(new ApplyResult.AlreadyApplied());
            assertThat(message(results.get(6)).getSeq()).isEqualTo(2);
            assertThat(machine.lastSeq(roomRef("general"))).isEqualTo(2);
        }
    }

    @Test
    void reopenAfterCloseKeepsStateAndAppliedIndex() {
        // Goal: close() flushes (writes skip the WAL), so a clean restart finds everything without replay.
        byte[] digest;
        try (ChatStateMachine machine = ChatStateMachine.open(dir.resolve("db"))) {
            machine.applyBatch(log);
            digest = machine.stateDigest();
        }

        try (ChatStateMachine reopened = ChatStateMachine.open(dir.resolve("db"))) {
            assertThat(reopened.appliedIndex()).isEqualTo(7);
            assertThat(reopened.lastTimestampMs()).isEqualTo(4_000);
            assertThat(reopened.stateDigest()).isEqualTo(digest);
            assertThat(reopened.room("general")).isPresent();
            assertThat(reopened.applyBatch(log)).containsOnly(new ApplyResult.AlreadyApplied());
            assertThat(reopened.stateDigest()).isEqualTo(digest);
        }
    }

    @Test
    void closeIsIdempotentAndCallsAfterCloseFail() {
        // Goal: a closed machine refuses work clearly instead of crashing in native code.
        ChatStateMachine machine = ChatStateMachine.open(dir.resolve("db"));
        machine.close();
        machine.close();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> machine.applyBatch(log))
                .isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> machine.room("general"))
                .isInstanceOf(IllegalStateException.class);
    }
}
