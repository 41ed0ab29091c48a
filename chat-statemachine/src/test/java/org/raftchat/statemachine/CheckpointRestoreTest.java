package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.raftchat.statemachine.TestLog.at;
import static org.raftchat.statemachine.TestLog.createRoom;
import static org.raftchat.statemachine.TestLog.direct;
import static org.raftchat.statemachine.TestLog.entries;
import static org.raftchat.statemachine.TestLog.keyed;
import static org.raftchat.statemachine.TestLog.pairRef;
import static org.raftchat.statemachine.TestLog.post;
import static org.raftchat.statemachine.TestLog.roomRef;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointRestoreTest {

    @TempDir
    Path dir;

    private final List<LogEntry> log = entries(1,
            at(500, TestLog.register("alice")),
            at(600, TestLog.register("bob")),
            at(700, TestLog.register("carol")),
            at(1_000, createRoom("general", "alice")),
            at(1_100, TestLog.join("general", "bob")),
            at(1_200, TestLog.join("general", "carol")),
            at(2_000, keyed("k1", post("general", "alice", "one"))),
            at(3_000, direct("bob", "alice", "two")),
            at(4_000, post("general", "bob", "three")));

    @Test
    void restoredCopyHasTheSameStateAndKeepsWorking() throws IOException {
        // Goal: checkpoint, copy elsewhere, restore into another instance: same digest, queries and applies agree.
        try (ChatStateMachine source = ChatStateMachine.open(dir.resolve("source"));
                ChatStateMachine target = ChatStateMachine.open(dir.resolve("target"))) {
            source.applyBatch(log);
            source.checkpointTo(dir.resolve("snapshots/1/data"));
            Path copied = copy(dir.resolve("snapshots/1/data"), dir.resolve("copied"));

            target.restoreFrom(copied);

            assertThat(target.stateDigest()).isEqualTo(source.stateDigest());
            assertThat(target.appliedIndex()).isEqualTo(9);
            assertThat(target.lastTimestampMs()).isEqualTo(4_000);
            assertThat(target.room("general")).isEqualTo(source.room("general"));
            assertThat(target.history(roomRef("general"), new HistoryQuery.Latest(10)))
                    .isEqualTo(source.history(roomRef("general"), new HistoryQuery.Latest(10)));
            List<LogEntry> next = entries(10, keyed("k1", post("general", "alice", "one")), post("general", "carol", "four"));
            assertThat(target.applyBatch(next)).isEqualTo(source.applyBatch(next));
            assertThat(target.stateDigest()).isEqualTo(source.stateDigest());
        }
    }

    @Test
    void aRestoreInterruptedHalfWayIsDiscardedAtTheNextOpen() throws IOException {
        // Goal: a crash or power failure between emptying the database and moving the checkpoint in
        // leaves a database directory that is neither state; the next open starts empty (Raft then loads
        // its snapshot and replays) instead of refusing to start on a half-moved database.
        Path db = dir.resolve("db");
        try (ChatStateMachine machine = ChatStateMachine.open(db)) {
            machine.applyBatch(log);
            machine.checkpointTo(dir.resolve("cp"));
        }
        Path staging = dir.resolve("db.restoring");
        copy(dir.resolve("cp"), staging);
        try (var files = Files.list(db)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".sst")).toList()) {
                Files.delete(f); // the half-way point: some of the old files gone, none of the new moved in
            }
        }

        try (ChatStateMachine reopened = ChatStateMachine.open(db)) {
            assertThat(reopened.appliedIndex()).isZero();
            assertThat(staging).doesNotExist();
            reopened.restoreFrom(dir.resolve("cp"));
            assertThat(reopened.appliedIndex()).isEqualTo(9);
        }
    }

    @Test
    void restoreReplacesNewerState() {
        // Goal: restoring an older checkpoint discards whatever the instance held, including later entries.
        try (ChatStateMachine machine = ChatStateMachine.open(dir.resolve("db"))) {
            machine.applyBatch(log.subList(0, 7));
            machine.checkpointTo(dir.resolve("cp"));
            byte[] atCheckpoint = machine.stateDigest();
            machine.applyBatch(log.subList(7, 9));

            machine.restoreFrom(dir.resolve("cp"));

            assertThat(machine.stateDigest()).isEqualTo(atCheckpoint);
            assertThat(machine.appliedIndex()).isEqualTo(7);
            assertThat(machine.lastSeq(pairRef("alice", "bob"))).isZero();
            assertThat(Files.exists(dir.resolve("cp/CURRENT"))).as("checkpoint left untouched").isTrue();
        }
    }

    @Test
    void applyAfterARestoreSeesTheRestoredStateNotWhatItLastWrote() {
        // Goal: apply keeps hot keys (seq counters, memberships) in memory; after a restore it reads the restored
        // state: the room's next seq follows the checkpoint, and a member who left after the checkpoint is a
        // member again.
        try (ChatStateMachine machine = ChatStateMachine.open(dir.resolve("db"))) {
            machine.applyBatch(log.subList(0, 7));
            machine.checkpointTo(dir.resolve("cp"));
            machine.applyBatch(entries(8, post("general", "bob", "after the checkpoint"), TestLog.leave("general", "carol")));

            machine.restoreFrom(dir.resolve("cp"));
            List<ApplyResult> results = machine.applyBatch(entries(8, post("general", "carol", "after the restore")));

            assertThat(results.get(0)).isInstanceOf(ApplyResult.MessageStored.class);
            assertThat(((ApplyResult.MessageStored) results.get(0)).message().getSeq()).isEqualTo(2);
            assertThat(machine.history(roomRef("general"), new HistoryQuery.Latest(10)).messages())
                    .extracting(org.raftchat.proto.v1.ChatMessage::getText).containsExactly("one", "after the restore");
        }
    }

    @Test
    void restoredStateSurvivesReopen() {
        // Goal: the restored files are the database now; a restart finds them.
        byte[] digest;
        try (ChatStateMachine source = ChatStateMachine.open(dir.resolve("source"))) {
            source.applyBatch(log);
            source.checkpointTo(dir.resolve("cp"));
            digest = source.stateDigest();
        }
        try (ChatStateMachine target = ChatStateMachine.open(dir.resolve("target"))) {
            target.applyBatch(entries(1, TestLog.register("x"), createRoom("stale", "x")));
            target.restoreFrom(dir.resolve("cp"));
        }
        try (ChatStateMachine reopened = ChatStateMachine.open(dir.resolve("target"))) {
            assertThat(reopened.stateDigest()).isEqualTo(digest);
            assertThat(reopened.room("stale")).isEmpty();
        }
    }

    @Test
    void checkpointOfAFreshDatabaseRestoresToEmpty() {
        // Goal: a checkpoint taken before any entry restores to applied index 0 and no content.
        try (ChatStateMachine empty = ChatStateMachine.open(dir.resolve("empty"));
                ChatStateMachine machine = ChatStateMachine.open(dir.resolve("db"))) {
            empty.checkpointTo(dir.resolve("cp"));
            machine.applyBatch(log);

            machine.restoreFrom(dir.resolve("cp"));

            assertThat(machine.appliedIndex()).isZero();
            assertThat(machine.stateDigest()).isEqualTo(empty.stateDigest());
        }
    }

    @Test
    void badArgumentsLeaveTheStateInService() {
        // Goal: an existing checkpoint target or a directory that is no checkpoint is refused before anything changes.
        try (ChatStateMachine machine = ChatStateMachine.open(dir.resolve("db"))) {
            machine.applyBatch(log);
            byte[] before = machine.stateDigest();
            Files.createDirectories(dir.resolve("exists"));

            assertThatThrownBy(() -> machine.checkpointTo(dir.resolve("exists"))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> machine.restoreFrom(dir.resolve("exists"))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> machine.restoreFrom(dir.resolve("db"))).isInstanceOf(IllegalArgumentException.class);
            assertThat(machine.stateDigest()).isEqualTo(before);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void queriesDuringRestoreWaitInsteadOfFailing() throws Exception {
        // Goal: readers running while the database is swapped see the old or the new state, never an error.
        try (ChatStateMachine machine = ChatStateMachine.open(dir.resolve("db"))) {
            machine.applyBatch(log);
            machine.checkpointTo(dir.resolve("cp"));
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean done = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                while (!done.get()) {
                    try {
                        assertThat(machine.history(roomRef("general"), new HistoryQuery.Latest(5)).lastSeq()).isEqualTo(2);
                        assertThat(machine.room("general")).isPresent();
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }
            });
            reader.start();
            for (int i = 0; i < 5; i++) {
                machine.restoreFrom(dir.resolve("cp"));
            }
            done.set(true);
            reader.join();

            assertThat(failures).isEmpty();
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }
}
