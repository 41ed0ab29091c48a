package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.statemachine.ApplyCommandsTest.message;
import static org.raftchat.statemachine.TestLog.at;
import static org.raftchat.statemachine.TestLog.createRoom;
import static org.raftchat.statemachine.TestLog.direct;
import static org.raftchat.statemachine.TestLog.entries;
import static org.raftchat.statemachine.TestLog.join;
import static org.raftchat.statemachine.TestLog.keyed;
import static org.raftchat.statemachine.TestLog.keyedAs;
import static org.raftchat.statemachine.TestLog.post;
import static org.raftchat.statemachine.TestLog.roomRef;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.Command;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

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
    void aKeyedCommandOfAKindNeverRememberedIsAppliedAsAnUnkeyedOne() {
        // Goal: the log may key a login (the node never does): apply neither stops on it nor keeps a record,
        // so the same key again logs in again.
        byte[] before = machine.contentDigest();
        ApplyResult first = machine.applyBatch(entries(7, at(2_000, keyed("k1", TestLog.login("bob", "phone", "t1"))))).get(0);
        ApplyResult again = machine.applyBatch(entries(8, at(3_000, keyed("k1", TestLog.login("bob", "phone", "t2"))))).get(0);

        assertThat(first).isEqualTo(new ApplyResult.SessionOpened("bob", "phone", "bob"));
        assertThat(again).isEqualTo(first);
        assertThat(machine.session("t1".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(machine.session("t2".getBytes(StandardCharsets.UTF_8))).contains(new SessionInfo("bob", "phone"));
        assertThat(machine.contentDigest()).isNotEqualTo(before);
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

    private static final long WINDOW_MS = 10_000;

    @Test
    void anotherUsersKeyIsAnotherKey() {
        // Goal: eve reusing the key of alice's private message gets her own post stored, never alice's message.
        machine.applyBatch(entries(7, TestLog.register("eve")));
        ApplyResult alices = machine.applyBatch(entries(8, keyedAs("alice", "k1", WINDOW_MS, direct("alice", "bob", "secret")))).get(0);

        ApplyResult eves = machine.applyBatch(entries(9, keyedAs("eve", "k1", WINDOW_MS, post("MainHall", "eve", "hello")))).get(0);
        ApplyResult evesRoom = machine.applyBatch(entries(10, keyedAs("eve", "k2", WINDOW_MS, createRoom("evesroom", "eve")))).get(0);

        assertThat(message(alices).getText()).isEqualTo("secret");
        assertThat(message(eves).getConversation()).isEqualTo(roomRef("MainHall"));
        assertThat(message(eves).getText()).isEqualTo("hello");
        assertThat(evesRoom).isEqualTo(new ApplyResult.RoomCreated("evesroom", 10));
        assertThat(machine.lastSeq(roomRef("MainHall"))).isEqualTo(1);
    }

    @Test
    void theSameKeyForAnotherRequestIsRefusedAndChangesNothing() {
        // Goal: bob's key of a post in one room is refused for a post elsewhere and for another kind of command.
        machine.applyBatch(entries(7, createRoom("other", "bob")));
        ApplyResult original = machine.applyBatch(entries(8, at(2_000, keyedAs("bob", "k1", WINDOW_MS, post("general", "bob", "hi"))))).get(0);

        List<ApplyResult> reused = machine.applyBatch(entries(9,
                at(3_000, keyedAs("bob", "k1", WINDOW_MS, post("other", "bob", "hi"))),
                at(3_000, keyedAs("bob", "k1", WINDOW_MS, createRoom("third", "bob"))),
                at(3_000, keyedAs("bob", "k1", WINDOW_MS, post("general", "bob", "hi")))));

        assertThat(reused.get(0)).isInstanceOfSatisfying(ApplyResult.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(Rejection.IDEMPOTENCY_KEY_REUSED);
            assertThat(r.detail()).contains("'k1'", "bob", "another request");
        });
        assertThat(reused.get(1)).isInstanceOfSatisfying(ApplyResult.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(Rejection.IDEMPOTENCY_KEY_REUSED));
        assertThat(reused.get(2)).isEqualTo(original);
        assertThat(machine.lastSeq(roomRef("other"))).isZero();
        assertThat(machine.room("third")).isEmpty();
        assertThat(machine.lastTimestampMs()).as("refusals store no time").isEqualTo(2_000);
    }

    @Test
    void aRecordIsKeptForItsWindowThenPruned() {
        // Goal: within the window the key is bound to its request; a step after it, the key is free again.
        ApplyResult original = machine.applyBatch(entries(7, at(1_000, keyedAs("bob", "k1", WINDOW_MS, post("general", "bob", "first"))))).get(0);

        ApplyResult lastMoment = machine.applyBatch(entries(8,
                at(1_000 + WINDOW_MS - 1, keyedAs("bob", "k1", WINDOW_MS, post("general", "bob", "second"))))).get(0);
        ApplyResult afterWindow = machine.applyBatch(entries(9,
                at(1_000 + WINDOW_MS + IdempotencyRecords.PRUNE_STEP_MS, keyedAs("bob", "k1", WINDOW_MS, post("general", "bob", "second"))))).get(0);

        assertThat(message(original).getSeq()).isEqualTo(1);
        assertThat(lastMoment).isInstanceOf(ApplyResult.Rejected.class);
        assertThat(message(afterWindow).getSeq()).isEqualTo(2);
        assertThat(message(afterWindow).getText()).isEqualTo("second");
    }

    @Test
    void recordsKeepNoMessageTextAndPrunedRecordsLeaveNothing() throws RocksDBException {
        // Goal: a record is small (where the message is, not its text), and pruning removes record and index entry.
        machine.applyBatch(entries(7, at(1_000, keyedAs("bob", "k1", WINDOW_MS, direct("bob", "alice", "a private text")))));
        Map<Character, Integer> whileKept = keyCounts("a private text");

        machine.applyBatch(entries(8, at(1_000 + WINDOW_MS + IdempotencyRecords.PRUNE_STEP_MS,
                keyed("no-window", post("general", "bob", "prunes")))));
        Map<Character, Integer> afterPruning = keyCounts(null);

        assertThat(whileKept).as("tags of keys whose value holds the text").containsOnlyKeys('H');
        assertThat(afterPruning.getOrDefault('J', 0)).isZero();
        assertThat(afterPruning.getOrDefault('I', 0)).as("only the unpruned record without a window").isEqualTo(1);
    }

    @Test
    void aLargePruneIsSpreadOverSeveralCommands() throws RocksDBException {
        // Goal: one command deletes a bounded number of expired records; the next ones go on until none is left.
        int records = IdempotencyRecords.MAX_PRUNED_PER_STEP + 10;
        List<Command> posts = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            posts.add(at(1_000, keyedAs("bob", "k" + i, WINDOW_MS, post("general", "bob", "m"))));
        }
        machine.applyBatch(entries(7, posts.toArray(Command[]::new)));
        long later = 1_000 + WINDOW_MS + IdempotencyRecords.PRUNE_STEP_MS;

        machine.applyBatch(entries(7 + records, at(later, keyedAs("carol", "c1", 0, post("general", "carol", "first prune")))));
        int afterFirst = keyCounts(null).getOrDefault('J', 0);
        machine.applyBatch(entries(8 + records, at(later, keyedAs("carol", "c2", 0, post("general", "carol", "second prune")))));
        int afterSecond = keyCounts(null).getOrDefault('J', 0);

        assertThat(afterFirst).isEqualTo(10);
        assertThat(afterSecond).isZero();
    }

    /** Counts of keys by their family tag, of keys whose value contains {@code text} (all keys if null), read from the closed database. */
    private Map<Character, Integer> keyCounts(String text) throws RocksDBException {
        machine.close();
        Map<Character, Integer> counts = new TreeMap<>();
        try (Options options = new Options();
                RocksDB db = RocksDB.openReadOnly(options, dir.resolve("db").toString());
                RocksIterator it = db.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                if (text == null || new String(it.value(), StandardCharsets.ISO_8859_1).contains(text)) {
                    counts.merge((char) it.key()[0], 1, Integer::sum);
                }
            }
        }
        machine = ChatStateMachine.open(dir.resolve("db"));
        return counts;
    }
}
