package org.raftchat.chaos.checker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.raftchat.chaos.history.Delivery;
import org.raftchat.chaos.history.Op;
import org.raftchat.chaos.history.SubscriberEvent;

/**
 * Checks each subscriber's stream of a room, across reconnects to any node: seqs arrive
 * strictly consecutively from the first subscribe's after_seq + 1, each once, and each is the
 * message the reference order has at that seq.
 *
 * <p>A seq is a gap only if a higher one was delivered and it never was: a subscriber that
 * stopped (the run ended) before catching up has not skipped anything. A seq that arrives
 * after a higher one is a reorder, not also a gap.
 */
final class SubscriberChecks {

    private SubscriberChecks() {
    }

    static void check(RoomHistory room, Optional<ReferenceOrder> ref, Anomalies out) {
        Map<Integer, List<Delivery>> bySubscriber = new LinkedHashMap<>();
        room.deliveries().forEach(d -> bySubscriber.computeIfAbsent(d.subscriber(), s -> new ArrayList<>()).add(d));
        bySubscriber.forEach((subscriber, deliveries) ->
                checkStream(room, ref, subscriber, startAfter(room, subscriber), deliveries, out));
    }

    /** The first subscribe's after_seq; 0 (from the start) if the connect was not recorded. */
    private static long startAfter(RoomHistory room, int subscriber) {
        return room.events().stream()
                .filter(e -> e.subscriber() == subscriber && e.connects())
                .findFirst()
                .map(SubscriberEvent::afterSeq)
                .orElse(0L);
    }

    private static void checkStream(RoomHistory room, Optional<ReferenceOrder> ref, int subscriber, long start,
                                    List<Delivery> deliveries, Anomalies out) {
        Set<Long> seen = new HashSet<>();
        long highest = start;
        for (Delivery d : deliveries) {
            if (seen.contains(d.seq())) {
                report(room, AnomalyKind.SUBSCRIBER_DUPLICATE, d, "received seq " + d.seq() + " again", ref, out);
            } else if (d.seq() <= highest) {
                report(room, AnomalyKind.SUBSCRIBER_REORDER, d,
                        "received seq " + d.seq() + " after seq " + highest, ref, out);
            }
            highest = Math.max(highest, d.seq());
            seen.add(d.seq());
            ref.ifPresent(r -> matchesReference(room, r, d, out));
        }
        gaps(room, ref, subscriber, start, seen, out);
    }

    private static void matchesReference(RoomHistory room, ReferenceOrder ref, Delivery d, Anomalies out) {
        String expected = ref.keyAt(d.seq());
        if (d.key().equals(expected)) {
            return;
        }
        List<Op> ops = new ArrayList<>(room.postOps(d.key()));
        if (expected != null) {
            ops.addAll(room.postOps(expected));
        }
        String stored = expected == null ? "no message at that seq" : "'" + expected + "'";
        out.add(AnomalyKind.SUBSCRIBER_WRONG_MESSAGE,
                where(room, d) + " received '" + d.key() + "' as seq " + d.seq() + "; the final read on "
                        + ref.nodeList() + " has " + stored,
                ops);
    }

    /** One anomaly per run of seqs, above the start and below the highest delivered, never delivered. */
    private static void gaps(RoomHistory room, Optional<ReferenceOrder> ref, int subscriber, long start,
                             Set<Long> seen, Anomalies out) {
        long expected = start + 1;
        for (long seq : new TreeSet<>(seen)) {
            if (seq > expected) {
                reportGap(room, ref, subscriber, expected, seq - 1, out);
            }
            expected = Math.max(expected, seq + 1);
        }
    }

    private static void reportGap(RoomHistory room, Optional<ReferenceOrder> ref, int subscriber, long from, long to,
                                  Anomalies out) {
        List<Op> ops = new ArrayList<>();
        ref.ifPresent(r -> {
            for (long seq = from; seq <= Math.min(to, from + Anomalies.MAX_KEYS_LISTED - 1); seq++) {
                Optional.ofNullable(r.keyAt(seq)).ifPresent(k -> ops.addAll(room.postOps(k)));
            }
        });
        String range = from == to ? "seq " + from : "seqs " + from + ".." + to;
        out.add(AnomalyKind.SUBSCRIBER_GAP,
                "room " + room.room() + ": subscriber " + subscriber + " never received " + range
                        + " although it received later seqs", ops);
    }

    private static void report(RoomHistory room, AnomalyKind kind, Delivery d, String what,
                               Optional<ReferenceOrder> ref, Anomalies out) {
        List<Op> ops = new ArrayList<>(room.postOps(d.key()));
        ref.map(r -> r.keyAt(d.seq())).filter(k -> !k.equals(d.key())).ifPresent(k -> ops.addAll(room.postOps(k)));
        out.add(kind, where(room, d) + " " + what, ops);
    }

    private static String where(RoomHistory room, Delivery d) {
        return "room " + room.room() + ": subscriber " + d.subscriber() + " on " + d.node() + " at "
                + Describe.seconds(d.timeNanos());
    }
}
