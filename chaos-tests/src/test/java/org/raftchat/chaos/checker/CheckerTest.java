package org.raftchat.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.chaos.testing.Scenario.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.raftchat.chaos.history.FinalRead;
import org.raftchat.chaos.history.HistoryData;
import org.raftchat.chaos.history.Op;
import org.raftchat.chaos.history.OpPair;
import org.raftchat.chaos.testing.GeneratedHistory;
import org.raftchat.chaos.testing.Scenario;

class CheckerTest {

    private final Scenario s = new Scenario();

    @Test
    void cleanHistoryWithUnknownWritesPresentAndAbsentIsValid() {
        // Goal: INFO writes may or may not appear, retries are stored once, and open ops are unknown: all valid.
        s.okPost(0, "a", 1);
        s.infoPost(1, "b");               // timed out, but was applied
        s.infoPost(2, "c");               // timed out, never applied
        s.okPost(1, "b", 2);              // retry of "b" with the same key: original seq
        s.failedPost(3, "d");             // definitely failed, absent
        s.okRead(4, "n2", "a", "b");
        s.invokePost(5, "e");             // still open when the run ends, applied
        s.invokePost(6, "f");             // still open when the run ends, not applied
        s.connect(0, "n1", 0);
        s.deliver(0, "n1", 1, "a");
        s.deliver(0, "n1", 2, "b");
        s.finalReads("a", "b", "e");

        Verdict verdict = s.check();

        assertThat(verdict.anomalies()).isEmpty();
        assertThat(verdict.valid()).isTrue();
        assertThat(verdict.counts()).containsEntry("operations", 8).containsEntry("acknowledged", 2).containsEntry("readsOk", 1)
                .containsEntry("failed", 1).containsEntry("unknown", 4).containsEntry("lost", 0);
    }

    @Test
    void acknowledgedWriteMissingFromTheFinalReadIsLost() {
        // Goal: an OK POST absent from the final read is reported as lost, naming the POST and its completion.
        s.okPost(0, "a", 1);
        OpPair lost = s.okPost(1, "b", 2);
        s.finalReads("a");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.LOST);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(lost));
        assertThat(anomaly.description()).contains("'b'");
    }

    @Test
    void keyStoredTwiceIsDuplicated() {
        // Goal: a key appearing twice in the final read (a retry applied twice) is reported as duplicated.
        OpPair first = s.infoPost(0, "a");
        OpPair retry = s.okPost(0, "a", 1);
        s.finalReads("a", "a");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.DUPLICATED);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(first, retry));
        assertThat(anomaly.description()).contains("'a'", "2x in the final read on n1,n2,n3");
    }

    @Test
    void keyThatWasNeverPostedIsUnexpected() {
        // Goal: a stored message nobody posted is reported as unexpected, with no ops to name.
        s.okPost(0, "a", 1);
        s.finalReads("a", "ghost");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.UNEXPECTED);

        assertThat(anomaly.ops()).isEmpty();
        assertThat(anomaly.description()).contains("'ghost'", "never posted");
    }

    @Test
    void definitelyFailedWriteThatShowsUpIsUnexpected() {
        // Goal: a FAIL means "not applied"; if the message is stored anyway, that is unexpected.
        s.okPost(0, "a", 1);
        OpPair failed = s.failedPost(1, "b");
        s.finalReads("a", "b");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.UNEXPECTED);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(failed));
        assertThat(anomaly.description()).contains("'b'", "definitely failed");
    }

    @Test
    void aTimestampEarlierThanThePreviousMessagesGoesBackwards() {
        // Goal: a new leader whose clock is behind its predecessor's must not stamp a message earlier
        // than the one before it; the checker names the pair, on the replicas that hold it.
        OpPair a = s.okPost(0, "a", 1);
        OpPair b = s.okPost(1, "b", 2);
        OpPair c = s.okPost(2, "c", 3);
        Scenario.NODES.forEach(node -> s.history.finalRead(node, Scenario.ROOM, List.of("a", "b", "c"),
                List.of(1L, 2L, 3L), List.of(1_000L, 61_000L, 1_500L)));

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.TIMESTAMP_BACKWARDS);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(b, c));
        assertThat(anomaly.description()).contains("seq 3 (c)", "59500 ms before seq 2 (b)", "n1,n2,n3");
        assertThat(s.check().counts()).containsEntry("timestampsBackwards", 1);
    }

    @Test
    void equalOrRisingTimestampsAreFine() {
        s.okPost(0, "a", 1);
        s.okPost(1, "b", 2);
        Scenario.NODES.forEach(node -> s.history.finalRead(node, Scenario.ROOM, List.of("a", "b"),
                List.of(1L, 2L), List.of(5_000L, 5_000L)));

        assertThat(s.check().anomalies()).isEmpty();
    }

    @Test
    void replicaWithADifferentOrderIsDivergent() {
        // Goal: a node whose final read differs from the majority is named, with the first differing position.
        OpPair a = s.infoPost(0, "a");
        OpPair b = s.infoPost(1, "b");
        OpPair c = s.infoPost(2, "c");
        s.finalRead("n1", "a", "b", "c");
        s.finalRead("n2", "a", "b", "c");
        s.finalRead("n3", "a", "c", "b");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.DIVERGENT_REPLICA);

        assertThat(anomaly.description()).contains("on n3", "differs from n1,n2", "position 2", "'c'", "'b'");
        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(b, c)).doesNotContainAnyElementsOf(ops(a));
    }

    @Test
    void readMissingAWriteAcknowledgedBeforeItBeganIsStale() {
        // Goal: a READ invoked after a POST was acknowledged must contain it; naming the READ and the POST.
        OpPair post = s.okPost(0, "a", 1);
        OpPair read = s.okRead(1, "n2");
        s.finalReads("a");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.STALE_READ);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(post, read));
        assertThat(anomaly.description()).contains("on n2", "'a'");
    }

    @Test
    void readConcurrentWithTheAcknowledgementMayMissTheWrite() {
        // Goal: a READ invoked before the POST completed may linearize before it: not stale.
        Op read = s.invokeRead(1, "n2");
        s.okPost(0, "a", 1);
        s.completeRead(read);
        s.finalReads("a");

        assertThat(s.check().anomalies()).isEmpty();
    }

    @Test
    void laterReadMissingWhatAnEarlierReadSawIsNonMonotonic() {
        // Goal: B began after A completed, yet B misses A's key (an unknown write, so not stale): non-monotonic.
        s.infoPost(0, "a");
        OpPair first = s.okRead(1, "n1", "a");
        OpPair second = s.okRead(2, "n3");
        s.finalReads("a");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.NON_MONOTONIC_READ);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(first, second));
        assertThat(anomaly.description()).contains("on n3", "'a'", "read #" + first.invoke().index());
    }

    @Test
    void laterReadReportingALowerLastSeqIsNonMonotonic() {
        // Goal: the last seq a read reports must not go backwards either.
        s.infoPost(0, "a");
        Op firstInvoke = s.invokeRead(1, "n1");
        OpPair first = new OpPair(firstInvoke, s.history.okRead(firstInvoke, List.of("a"), 1));
        Op secondInvoke = s.invokeRead(2, "n2");
        OpPair second = new OpPair(secondInvoke, s.history.okRead(secondInvoke, List.of("a"), 0));
        s.finalReads("a");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.NON_MONOTONIC_READ);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(first, second));
        assertThat(anomaly.description()).contains("last seq 0 below the 1");
    }

    @Test
    void readThatIsNotAPrefixOfTheFinalOrderIsReported() {
        // Goal: a read must show the messages in the final order; one showing them swapped is a read-order anomaly.
        s.okPost(0, "a", 1);
        OpPair b = s.okPost(1, "b", 2);
        OpPair read = s.okRead(2, "n2", "b", "a");
        s.finalReads("a", "b");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.READ_ORDER);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(b, read));
        assertThat(anomaly.description()).contains("at seq 1", "'b'", "'a'");
    }

    @Test
    void acknowledgedSeqDifferentFromTheStoredSeqIsWrongSeq() {
        // Goal: the seq a POST was acknowledged with must be where its message sits.
        s.okPost(0, "a", 1);
        OpPair wrong = s.okPost(1, "b", 1);
        s.finalReads("a", "b");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.WRONG_SEQ);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(wrong));
        assertThat(anomaly.description()).contains("seq 1", "seq 2");
    }

    @Test
    void subscriberSkippingASeqIsAGap() {
        // Goal: seq 2 never delivered while 3 was: a subscriber gap naming the POST of seq 2.
        s.okPost(0, "a", 1);
        OpPair b = s.okPost(0, "b", 2);
        s.okPost(0, "c", 3);
        s.connect(7, "n2", 0);
        s.deliver(7, "n2", 1, "a");
        s.deliver(7, "n2", 3, "c");
        s.finalReads("a", "b", "c");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.SUBSCRIBER_GAP);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(b));
        assertThat(anomaly.description()).contains("subscriber 7", "seq 2");
    }

    @Test
    void subscriberReceivingASeqAgainAfterReconnectIsADuplicate() {
        // Goal: after a reconnect to another node resuming from seq 2, seq 2 must not arrive again.
        s.okPost(0, "a", 1);
        OpPair b = s.okPost(0, "b", 2);
        s.okPost(0, "c", 3);
        s.connect(1, "n1", 0);
        s.deliver(1, "n1", 1, "a");
        s.deliver(1, "n1", 2, "b");
        s.disconnect(1, "n1", 2);
        s.connect(1, "n2", 2);
        s.deliver(1, "n2", 2, "b");
        s.deliver(1, "n2", 3, "c");
        s.finalReads("a", "b", "c");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.SUBSCRIBER_DUPLICATE);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(b));
        assertThat(anomaly.description()).contains("subscriber 1 on n2", "seq 2 again");
    }

    @Test
    void subscriberReceivingALowerSeqAfterAHigherOneIsAReorder() {
        // Goal: 1, 3, 2 is a reorder (and not also a gap, since 2 did arrive).
        s.okPost(0, "a", 1);
        OpPair b = s.okPost(0, "b", 2);
        s.okPost(0, "c", 3);
        s.connect(1, "n1", 0);
        s.deliver(1, "n1", 1, "a");
        s.deliver(1, "n1", 3, "c");
        s.deliver(1, "n1", 2, "b");
        s.finalReads("a", "b", "c");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.SUBSCRIBER_REORDER);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(b));
        assertThat(anomaly.description()).contains("seq 2 after seq 3");
    }

    @Test
    void subscriberReceivingAnotherMessageAtASeqIsAWrongMessage() {
        // Goal: the (seq, key) delivered must be the final read's message at that seq.
        s.okPost(0, "a", 1);
        OpPair b = s.okPost(0, "b", 2);
        OpPair c = s.okPost(0, "c", 3);
        s.connect(1, "n3", 0);
        s.deliver(1, "n3", 1, "a");
        s.deliver(1, "n3", 2, "c");
        s.finalReads("a", "b", "c");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.SUBSCRIBER_WRONG_MESSAGE);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(b, c));
        assertThat(anomaly.description()).contains("'c' as seq 2", "has 'b'");
    }

    @Test
    void subscriberStartingAfterASeqIsNotAGap() {
        // Goal: deliveries start at the first subscribe's after_seq + 1; earlier seqs are not gaps.
        s.okPost(0, "a", 1);
        s.okPost(0, "b", 2);
        s.connect(1, "n1", 1);
        s.deliver(1, "n1", 2, "b");
        s.finalReads("a", "b");

        assertThat(s.check().anomalies()).isEmpty();
    }

    @Test
    void finalReadWithASeqGapIsReported() {
        // Goal: identical final reads whose seqs skip a number are still wrong: seqs are 1..n.
        s.okPost(0, "a", 1);
        OpPair b = s.okPost(0, "b", 3);
        Scenario.NODES.forEach(node -> s.history.finalRead(node, Scenario.ROOM, List.of("a", "b"), List.of(1L, 3L)));

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.FINAL_SEQ_GAP);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(b));
    }

    @Test
    void roomWithoutAnyFinalReadCannotBeValid() {
        // Goal: if no node answered the final read, the writes were not checked, so the run proves nothing.
        OpPair a = s.okPost(0, "a", 1);

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.MISSING_FINAL_READ);

        assertThat(anomaly.ops()).containsExactlyElementsOf(ops(a));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 2024, 31337})
    void generatedValidHistoryStaysValid(long seed) {
        // Goal: a large, concurrent, correct history (retries, unknowns, reconnects, faults) has no false positives.
        HistoryData data = GeneratedHistory.generate(seed, 10_000);

        Verdict verdict = Checker.check(data);

        assertThat(verdict.anomalies()).isEmpty();
        assertThat(verdict.counts().get("operations")).isGreaterThan(2_000);
        assertThat(verdict.counts().get("unknown")).isPositive();
        assertThat(verdict.counts().get("deliveries")).isPositive();
    }

    @Test
    void generatedHistoryWithOneAcknowledgedWriteDroppedEverywhereIsLost() {
        // Goal: at scale, removing one acknowledged message from every replica is found, and only as that write.
        HistoryData valid = GeneratedHistory.generate(99, 5_000);
        Op lastAck = valid.ops().stream()
                .filter(op -> op.succeeded() && op.seq() != null && op.room().equals("r1"))
                .reduce((a, b) -> b.seq() >= a.seq() ? b : a)
                .orElseThrow();
        HistoryData broken = withoutFromFinalReads(valid, lastAck.room(), lastAck.key());

        Verdict verdict = Checker.check(broken);

        assertThat(verdict.anomaliesOfKind(AnomalyKind.LOST)).singleElement()
                .satisfies(a -> assertThat(a.ops()).contains(lastAck));
        assertThat(verdict.counts()).containsEntry("lost", 1).containsEntry("divergentReplicas", 0);
    }

    /** Drops {@code key} and its seq from every final read of {@code room}, identically on every node. */
    private static HistoryData withoutFromFinalReads(HistoryData data, String room, String key) {
        List<FinalRead> finals = new ArrayList<>();
        for (FinalRead f : data.finalReads()) {
            if (!f.room().equals(room)) {
                finals.add(f);
                continue;
            }
            int at = f.keys().indexOf(key);
            List<String> keys = new ArrayList<>(f.keys());
            List<Long> seqs = new ArrayList<>(f.seqs());
            keys.remove(at);
            seqs.remove(at);
            finals.add(new FinalRead(f.node(), room, keys, seqs));
        }
        return new HistoryData(data.ops(), data.deliveries(), data.subscriberEvents(), data.faults(), finals);
    }

    /** Asserts the verdict holds exactly one anomaly, of this kind, counted as such, and returns it. */
    private static Anomaly onlyAnomaly(Verdict verdict, AnomalyKind kind) {
        assertThat(verdict.valid()).isFalse();
        assertThat(verdict.anomalies()).extracting(Anomaly::kind).containsExactly(kind.label());
        Arrays.stream(AnomalyKind.values()).forEach(k ->
                assertThat(verdict.counts()).containsEntry(k.countKey(), k == kind ? 1 : 0));
        return verdict.anomalies().get(0);
    }

    @Test
    void aWindowReadThatLeavesOutOlderMessagesIsValid() {
        // Goal: a read of the newest messages only does not "miss" the older ones before its window.
        s.okPost(0, "a", 1);
        s.okPost(0, "b", 2);
        s.okPost(0, "c", 3);
        window(1, "n2", 3, "b", "c");
        window(2, "n3", 3, "c");
        s.finalReads("a", "b", "c");

        assertThat(s.check().anomalies()).isEmpty();
    }

    @Test
    void aWindowReadEndingBeforeAnAcknowledgedWriteIsStale() {
        // Goal: a window whose last seq is below a write acknowledged before the read began is stale.
        s.okPost(0, "a", 1);
        OpPair b = s.okPost(0, "b", 2);
        OpPair read = window(1, "n2", 1, "a");
        s.finalReads("a", "b");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.STALE_READ);
        assertThat(anomaly.ops()).containsAll(ops(b, read));
    }

    @Test
    void aWindowThatDisagreesWithTheFinalOrderAtItsSeqsIsReadOrder() {
        // Goal: the window is compared with the final order at the same seqs, not from seq 1.
        s.okPost(0, "a", 1);
        s.okPost(0, "b", 2);
        s.okPost(0, "c", 3);
        window(1, "n2", 3, "c", "b");
        s.finalReads("a", "b", "c");

        Anomaly anomaly = onlyAnomaly(s.check(), AnomalyKind.READ_ORDER);
        assertThat(anomaly.description()).contains("at seq 2");
    }

    private OpPair window(int process, String node, long lastSeq, String... keys) {
        Op invoke = s.invokeRead(process, node);
        return new OpPair(invoke, s.history.okRead(invoke, List.of(keys), lastSeq));
    }
}
