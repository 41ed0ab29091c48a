package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.statemachine.ApplyCommandsTest.message;
import static org.raftchat.statemachine.TestLog.at;
import static org.raftchat.statemachine.TestLog.createRoom;
import static org.raftchat.statemachine.TestLog.direct;
import static org.raftchat.statemachine.TestLog.entries;
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

class IdempotencyTest {

    @TempDir
    Path dir;

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
    void retryInALaterBatchReturnsTheOriginalMessage() {
        // Goal: a retry with the same key, even much later, is stored once and answered with the first result.
        ApplyResult original = machine.applyBatch(entries(7, at(2_000, keyed("k1", post("general", "bob", "hi"))))).get(0);
        machine.applyBatch(entries(8, at(3_000, post("general", "carol", "in between"))));

        ApplyResult retry = machine.applyBatch(entries(9, at(4_000, keyed("k1", post("general", "bob", "hi"))))).get(0);

        assertThat(retry).isEqualTo(original);
        assertThat(message(retry).getSeq()).isEqualTo(1);
        assertThat(message(retry).getTimestampMs()).isEqualTo(2_000);
        assertThat(machine.lastSeq(roomRef("general"))).isEqualTo(2);
        assertThat(machine.lastTimestampMs()).as("a duplicate stores no time").isEqualTo(3_000);
    }

    @Test
    void retryInTheSameBatchSeesTheFirstAttempt() {
        // Goal: two concurrent retries committed in one batch store the message once; both get the same answer.
        List<ApplyResult> results = machine.applyBatch(entries(7,
                keyed("k1", direct("bob", "alice", "hi")),
                keyed("k1", direct("bob", "alice", "hi")),
                keyed("k2", post("general", "bob", "x")),
                keyed("k2", post("general", "bob", "x"))));

        assertThat(results.get(1)).isEqualTo(results.get(0));
        assertThat(results.get(3)).isEqualTo(results.get(2));
        assertThat(machine.lastSeq(TestLog.pairRef("alice", "bob"))).isEqualTo(1);
        assertThat(machine.lastSeq(roomRef("general"))).isEqualTo(1);
    }

    @Test
    void retriedRoomCreationReturnsRoomCreatedNotAlreadyExists() {
        // Goal: a retried CreateRoom answers with the original creation, not with a refusal of its own.
        ApplyResult original = machine.applyBatch(entries(7, keyed("k1", createRoom("random", "bob")))).get(0);

        List<ApplyResult> retries = machine.applyBatch(entries(8,
                keyed("k1", createRoom("random", "bob")),
                keyed("k1", createRoom("random", "bob"))));

        assertThat(original).isEqualTo(new ApplyResult.RoomCreated("random", 7));
        assertThat(retries).containsExactly(original, original);
    }

    @Test
    void refusalsAreNotRemembered() {
        // Goal: a refused command changed nothing, so a retry with the same key after the cause is gone succeeds.
        ApplyResult refused = machine.applyBatch(entries(7, keyed("k1", post("later", "bob", "hi")))).get(0);
        machine.applyBatch(entries(8, createRoom("later", "bob")));

        ApplyResult retry = machine.applyBatch(entries(9, keyed("k1", post("later", "bob", "hi")))).get(0);

        assertThat(refused).isInstanceOf(ApplyResult.Rejected.class);
        assertThat(message(retry).getSeq()).isEqualTo(1);
    }

    @Test
    void commandsWithoutAKeyAreNeverDeduplicated() {
        // Goal: an empty idempotency key means "no key": identical commands are stored each time.
        machine.applyBatch(entries(7, post("general", "bob", "same"), post("general", "bob", "same")));

        assertThat(machine.lastSeq(roomRef("general"))).isEqualTo(2);
    }

    @Test
    void rememberedResultsSurviveReopen() {
        // Goal: the idempotency record is part of the durable state, not a cache.
        ApplyResult original = machine.applyBatch(entries(7, keyed("k1", post("general", "bob", "hi")))).get(0);
        machine.close();
        machine = ChatStateMachine.open(dir.resolve("db"));

        ApplyResult retry = machine.applyBatch(entries(8, keyed("k1", post("general", "bob", "hi")))).get(0);

        assertThat(retry).isEqualTo(original);
        assertThat(machine.lastSeq(roomRef("general"))).isEqualTo(1);
    }
}
