package org.raftchat.chaos.checker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.raftchat.chaos.history.Op;
import org.raftchat.chaos.history.OpPair;

/**
 * Every message key is unique (it is the idempotency key), so a key stored twice means a retry
 * was applied twice. Reported once per key, naming every final read and OK read that shows it.
 */
final class DuplicateCheck {

    private DuplicateCheck() {
    }

    static void check(RoomHistory room, Anomalies out) {
        Map<String, Sightings> byKey = new LinkedHashMap<>();
        for (ReplicaGroup group : room.replicas()) {
            repeated(group.read().keys()).forEach((key, times) ->
                    sightings(byKey, key).where.add(times + "x in the final read on " + group.nodeList()));
        }
        for (OpPair read : room.okReads()) {
            repeated(read.completion().readKeys()).forEach((key, times) -> {
                Sightings s = sightings(byKey, key);
                s.where.add(times + "x in read #" + read.invoke().index());
                s.reads.addAll(read.ops());
            });
        }
        byKey.forEach((key, s) -> report(room, key, s, out));
    }

    private static void report(RoomHistory room, String key, Sightings s, Anomalies out) {
        List<Op> ops = new ArrayList<>(room.postOps(key));
        ops.addAll(s.reads);
        out.add(AnomalyKind.DUPLICATED,
                "room " + room.room() + ": key '" + key + "' is stored more than once: " + String.join("; ", s.where),
                ops);
    }

    /** Keys that occur more than once, with their number of occurrences, in first-seen order. */
    private static Map<String, Integer> repeated(List<String> keys) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        keys.forEach(k -> counts.merge(k, 1, Integer::sum));
        counts.values().removeIf(n -> n < 2);
        return counts;
    }

    private static Sightings sightings(Map<String, Sightings> byKey, String key) {
        return byKey.computeIfAbsent(key, k -> new Sightings());
    }

    /** Where one duplicated key was seen. */
    private static final class Sightings {
        final List<String> where = new ArrayList<>();
        final List<Op> reads = new ArrayList<>();
    }
}
