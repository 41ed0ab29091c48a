package org.raftchat.chaos.checker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.raftchat.chaos.history.HistoryData;
import org.raftchat.chaos.history.OpFunction;
import org.raftchat.chaos.history.OpPair;
import org.raftchat.chaos.history.OpType;

/**
 * Decides whether a run's history is consistent with what RaftChat promises: one total order
 * per room, identical on every replica; acknowledged writes durable at their acknowledged seq;
 * no write applied twice; timestamps that never go backwards; linearizable reads; gap-free, duplicate-free, in-order subscriptions.
 *
 * <p>Each room is checked on its own against its reference order, the final read most nodes
 * agree on. The anomalies name the offending operations; {@link Verdict#valid()} is true iff
 * there are none. Pure: same history in, same verdict out.
 */
public final class Checker {

    private Checker() {
    }

    /** Checks a complete history (final reads included). */
    public static Verdict check(HistoryData data) {
        Anomalies out = new Anomalies();
        for (RoomHistory room : RoomHistory.split(data)) {
            checkRoom(room, out);
        }
        List<Anomaly> anomalies = out.list();
        return Verdict.of(counts(data, anomalies), anomalies);
    }

    private static void checkRoom(RoomHistory room, Anomalies out) {
        Optional<ReferenceOrder> ref = room.reference();
        ReplicaChecks.check(room, out);
        TimestampChecks.check(room, out);
        DuplicateCheck.check(room, out);
        ref.ifPresent(r -> WriteChecks.check(room, r, out));
        ReadChecks.check(room, ref, out);
        SubscriberChecks.check(room, ref, out);
    }

    private static Map<String, Integer> counts(HistoryData data, List<Anomaly> anomalies) {
        List<OpPair> pairs = data.pairs();
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("operations", pairs.size());
        counts.put("posts", invocations(pairs, OpFunction.POST));
        counts.put("reads", invocations(pairs, OpFunction.READ));
        // Writes: acknowledged, definitely failed, or unknown (an op still open at the end is unknown too).
        counts.put("acknowledged", outcomes(pairs, OpFunction.POST, OpType.OK));
        counts.put("failed", outcomes(pairs, OpFunction.POST, OpType.FAIL));
        counts.put("unknown", outcomes(pairs, OpFunction.POST, OpType.INFO));
        counts.put("readsOk", outcomes(pairs, OpFunction.READ, OpType.OK));
        counts.put("readsFailed", outcomes(pairs, OpFunction.READ, OpType.FAIL));
        counts.put("deliveries", data.deliveries().size());
        for (AnomalyKind kind : AnomalyKind.values()) {
            counts.put(kind.countKey(), (int) anomalies.stream().filter(a -> a.kind().equals(kind.label())).count());
        }
        return counts;
    }

    private static int invocations(List<OpPair> pairs, OpFunction f) {
        return (int) pairs.stream().filter(p -> p.invoke().f() == f).count();
    }

    private static int outcomes(List<OpPair> pairs, OpFunction f, OpType type) {
        return (int) pairs.stream().filter(p -> p.invoke().f() == f && p.outcome() == type).count();
    }
}
