package org.raftchat.chaos.checker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.raftchat.chaos.history.Op;
import org.raftchat.chaos.history.OpPair;

/**
 * Checks OK READs. A read returns a window: the newest messages of a room, its keys sitting at
 * seqs {@code readLastSeq - keys + 1 .. readLastSeq} (a read of the whole room is the window
 * that starts at 1). Reads are linearizable (ReadIndex), which this checks cheaply instead of
 * searching for a linearization:
 * <ul>
 *   <li>stale: every write acknowledged before the read was invoked must be in it, or, if its seq
 *       lies before the window, at least not after the read's last seq;</li>
 *   <li>monotonic: a read's last seq is at least that of any read that completed before it began;</li>
 *   <li>order: the window equals the reference order at the same seqs.</li>
 * </ul>
 * "Before" is op index order, which the recorder makes real-time order.
 */
final class ReadChecks {

    private ReadChecks() {
    }

    static void check(RoomHistory room, Optional<ReferenceOrder> ref, Anomalies out) {
        stale(room, out);
        nonMonotonic(room, out);
        ref.ifPresent(r -> room.okReads().forEach(read -> order(room, r, read, out)));
    }

    private static void stale(RoomHistory room, Anomalies out) {
        List<Ack> acks = acknowledgements(room);
        AckedBefore ackedBefore = new AckedBefore();
        int next = 0;
        for (OpPair read : room.okReads()) {
            while (next < acks.size() && acks.get(next).completion().index() < read.invoke().index()) {
                ackedBefore.add(acks.get(next++));
            }
            List<Ack> missed = ackedBefore.missing(read);
            if (!missed.isEmpty()) {
                reportStale(room, read, missed, out);
            }
        }
    }

    /** The seq of a read's newest message; a read without one covers exactly what it returned. */
    static long lastSeq(OpPair read) {
        Long last = read.completion().readLastSeq();
        return last != null ? last : read.completion().readKeys().size();
    }

    private static void reportStale(RoomHistory room, OpPair read, List<Ack> missed, Anomalies out) {
        List<Op> ops = new ArrayList<>(read.ops());
        missed.stream().limit(Anomalies.MAX_KEYS_LISTED).forEach(a -> ops.addAll(a.post().ops()));
        Ack first = missed.get(0);
        out.add(AnomalyKind.STALE_READ,
                "room " + room.room() + ": read #" + read.invoke().index() + " on " + read.invoke().node()
                        + " invoked at " + Describe.seconds(read.invoke().timeNanos()) + " misses " + missed.size()
                        + " write(s) acknowledged before it: " + Describe.keys(missed.stream().map(Ack::key).toList())
                        + " (the first acknowledged at " + Describe.seconds(first.completion().timeNanos())
                        + " by op #" + first.completion().index() + ")",
                ops);
    }

    /** The earliest OK completion of each key, in completion order. */
    private static List<Ack> acknowledgements(RoomHistory room) {
        List<Ack> acks = new ArrayList<>();
        room.postsByKey().forEach((key, posts) -> posts.stream()
                .filter(OpPair::succeeded)
                .min(Comparator.comparingLong(p -> p.completion().index()))
                .ifPresent(p -> acks.add(new Ack(key, p))));
        acks.sort(Comparator.comparingLong(a -> a.completion().index()));
        return acks;
    }

    private static void nonMonotonic(RoomHistory room, Anomalies out) {
        List<OpPair> byCompletion = new ArrayList<>(room.okReads());
        byCompletion.sort(Comparator.comparingLong(p -> p.completion().index()));
        Observed observed = new Observed();
        int next = 0;
        for (OpPair read : room.okReads()) {
            while (next < byCompletion.size() && byCompletion.get(next).completion().index() < read.invoke().index()) {
                observed.absorb(byCompletion.get(next++));
            }
            observed.violation(read).ifPresent(description -> reportNonMonotonic(room, read, observed, description, out));
        }
    }

    private static void reportNonMonotonic(RoomHistory room, OpPair read, Observed observed, String why,
                                           Anomalies out) {
        List<Op> ops = new ArrayList<>(read.ops());
        observed.culprits(read).forEach(earlier -> ops.addAll(earlier.ops()));
        out.add(AnomalyKind.NON_MONOTONIC_READ,
                "room " + room.room() + ": read #" + read.invoke().index() + " on " + read.invoke().node()
                        + " invoked at " + Describe.seconds(read.invoke().timeNanos()) + " " + why,
                ops);
    }

    private static void order(RoomHistory room, ReferenceOrder ref, OpPair read, Anomalies out) {
        List<String> keys = read.completion().readKeys();
        int offset = (int) Math.max(0, lastSeq(read) - keys.size());
        int at = firstDeviation(keys, ref.keys(), offset);
        if (at < 0) {
            return;
        }
        List<Op> ops = new ArrayList<>(read.ops());
        ops.addAll(room.postOps(keys.get(at)));
        int position = offset + at;
        String expected = position < ref.keys().size() ? "'" + ref.keys().get(position) + "'" : "nothing (it ends there)";
        out.add(AnomalyKind.READ_ORDER,
                "room " + room.room() + ": read #" + read.invoke().index() + " on " + read.invoke().node()
                        + " disagrees with the final order: at seq " + (position + 1) + " it has '" + keys.get(at)
                        + "', the final read on " + ref.nodeList() + " has " + expected,
                ops);
    }

    /** The first index where {@code read} differs from {@code reference} starting at {@code offset}, or -1. */
    private static int firstDeviation(List<String> read, List<String> reference, int offset) {
        for (int i = 0; i < read.size(); i++) {
            int r = offset + i;
            if (r >= reference.size() || !read.get(i).equals(reference.get(r))) {
                return i;
            }
        }
        return -1;
    }

    /** A key's first acknowledgement. */
    /**
     * The writes acknowledged before the reads seen so far began, indexed by seq: a read of the newest
     * messages is compared only with the writes at or after its window's start (plus any without a
     * seq), not with every write of the run, which made the check quadratic in a long run's history.
     */
    private static final class AckedBefore {
        private final NavigableMap<Long, List<Ack>> bySeq = new TreeMap<>();
        private final List<Ack> withoutSeq = new ArrayList<>();

        void add(Ack ack) {
            if (ack.seq() == null) {
                withoutSeq.add(ack);
            } else {
                bySeq.computeIfAbsent(ack.seq(), seq -> new ArrayList<>(1)).add(ack);
            }
        }

        /**
         * The acknowledged writes the read should show and does not, in acknowledgement order: those
         * older than its window it does not claim to show, unless acknowledged beyond the read's end.
         */
        List<Ack> missing(OpPair read) {
            Set<String> seen = new HashSet<>(read.completion().readKeys());
            long windowStart = lastSeq(read) - read.completion().readKeys().size() + 1;
            List<Ack> missed = new ArrayList<>();
            withoutSeq.stream().filter(a -> !seen.contains(a.key())).forEach(missed::add);
            bySeq.tailMap(windowStart, true).values().forEach(atSeq -> atSeq.stream()
                    .filter(a -> !seen.contains(a.key())).forEach(missed::add));
            missed.sort(Comparator.comparingLong(a -> a.completion().index()));
            return missed;
        }
    }

    private record Ack(String key, OpPair post) {
        Op completion() {
            return post.completion();
        }

        Long seq() {
            return post.completion().seq();
        }
    }

    /** What the reads completed so far have seen: each key with the first read that saw it, and the highest last seq. */
    private static final class Observed {
        private final Map<String, OpPair> firstSeenBy = new LinkedHashMap<>();
        /** The same keys by the seq at which a read first saw them, so a read is compared with its own window, not with every key ever seen. */
        private final NavigableMap<Long, List<String>> keysBySeq = new TreeMap<>();
        private OpPair highest;

        void absorb(OpPair read) {
            List<String> keys = read.completion().readKeys();
            long first = lastSeq(read) - keys.size() + 1;
            for (int i = 0; i < keys.size(); i++) {
                if (firstSeenBy.putIfAbsent(keys.get(i), read) == null) {
                    keysBySeq.computeIfAbsent(first + i, seq -> new ArrayList<>(1)).add(keys.get(i));
                }
            }
            Long last = read.completion().readLastSeq();
            if (last != null && (highest == null || last > highest.completion().readLastSeq())) {
                highest = read;
            }
        }

        /** Why {@code read} goes backwards, or empty if it does not. */
        Optional<String> violation(OpPair read) {
            List<String> missed = missedKeys(read);
            // Keys before a read's window are not missing: only keys inside it count.
            List<String> reasons = new ArrayList<>();
            if (!missed.isEmpty()) {
                reasons.add("misses " + Describe.keys(missed) + ", seen by read #"
                        + firstSeenBy.get(missed.get(0)).invoke().index() + " which completed before it began");
            }
            if (lastSeqGoesBack(read)) {
                reasons.add("reports last seq " + read.completion().readLastSeq() + " below the "
                        + highest.completion().readLastSeq() + " of read #" + highest.invoke().index()
                        + " which completed before it began");
            }
            return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; and ", reasons));
        }

        /** The earlier reads that {@code read} contradicts. */
        List<OpPair> culprits(OpPair read) {
            List<OpPair> culprits = new ArrayList<>();
            missedKeys(read).stream().limit(Anomalies.MAX_KEYS_LISTED).forEach(k -> culprits.add(firstSeenBy.get(k)));
            if (lastSeqGoesBack(read)) {
                culprits.add(highest);
            }
            return culprits;
        }

        /** Keys earlier reads saw at or after the start of this read's window that it does not return, in seq order. */
        private List<String> missedKeys(OpPair read) {
            List<String> keys = read.completion().readKeys();
            Set<String> seen = new HashSet<>(keys);
            long windowStart = lastSeq(read) - keys.size() + 1;
            List<String> missed = new ArrayList<>();
            // Linear in the window (and in what earlier reads saw beyond it): a 30-minute run has ~10^5 reads per room.
            for (List<String> atSeq : keysBySeq.tailMap(windowStart, true).values()) {
                for (String key : atSeq) {
                    if (!seen.contains(key)) {
                        missed.add(key);
                    }
                }
            }
            return missed;
        }

        private boolean lastSeqGoesBack(OpPair read) {
            Long last = read.completion().readLastSeq();
            return highest != null && last != null && last < highest.completion().readLastSeq();
        }
    }
}
