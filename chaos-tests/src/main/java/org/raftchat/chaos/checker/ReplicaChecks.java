package org.raftchat.chaos.checker;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.raftchat.chaos.history.FinalRead;
import org.raftchat.chaos.history.Op;

/**
 * Checks the final reads among themselves: every replica must hold the same messages at the
 * same seqs in the same order, numbered 1..n without gaps.
 */
final class ReplicaChecks {

    private ReplicaChecks() {
    }

    static void check(RoomHistory room, Anomalies out) {
        if (room.replicas().isEmpty()) {
            missingFinalRead(room, out);
            return;
        }
        ReplicaGroup reference = room.replicas().get(0);
        for (ReplicaGroup other : room.replicas().subList(1, room.replicas().size())) {
            divergent(room, reference, other, out);
        }
        room.replicas().forEach(group -> dense(room, group, out));
    }

    /** Without a final read the writes cannot be checked; the run did not prove anything. */
    private static void missingFinalRead(RoomHistory room, Anomalies out) {
        if (room.postsByKey().isEmpty() && room.deliveries().isEmpty()) {
            return;
        }
        List<Op> ops = new ArrayList<>();
        room.postsByKey().keySet().forEach(key -> ops.addAll(room.postOps(key)));
        out.add(AnomalyKind.MISSING_FINAL_READ,
                "room " + room.room() + " has " + room.postsByKey().size() + " posted keys but no node answered "
                        + "its final read, so lost and unexpected writes cannot be checked", ops);
    }

    private static void divergent(RoomHistory room, ReplicaGroup reference, ReplicaGroup other, Anomalies out) {
        FinalRead ref = reference.read();
        FinalRead odd = other.read();
        int at = firstDifference(ref, odd);
        List<Op> ops = new ArrayList<>();
        keyAt(ref, at).ifPresent(k -> ops.addAll(room.postOps(k)));
        keyAt(odd, at).ifPresent(k -> ops.addAll(room.postOps(k)));
        out.add(AnomalyKind.DIVERGENT_REPLICA,
                "room " + room.room() + ": final read on " + other.nodeList() + " (" + odd.keys().size()
                        + " messages) differs from " + reference.nodeList() + " (" + ref.keys().size()
                        + " messages) first at position " + (at + 1) + ": " + other.nodeList() + " has "
                        + entry(odd, at) + ", " + reference.nodeList() + " has " + entry(ref, at),
                ops);
    }

    private static void dense(RoomHistory room, ReplicaGroup group, Anomalies out) {
        List<Long> seqs = group.read().seqs();
        for (int i = 0; i < seqs.size(); i++) {
            if (seqs.get(i) != i + 1) {
                String key = group.read().keys().get(i);
                out.add(AnomalyKind.FINAL_SEQ_GAP,
                        "room " + room.room() + ": final read on " + group.nodeList() + " has seq " + seqs.get(i)
                                + " ('" + key + "') at position " + (i + 1) + "; seqs must be 1..n without gaps",
                        room.postOps(key));
                return;
            }
        }
    }

    /** The first position (0-based) where the two reads differ in key or seq or length. */
    static int firstDifference(FinalRead a, FinalRead b) {
        int common = Math.min(a.keys().size(), b.keys().size());
        for (int i = 0; i < common; i++) {
            if (!a.keys().get(i).equals(b.keys().get(i)) || !a.seqs().get(i).equals(b.seqs().get(i))) {
                return i;
            }
        }
        return common;
    }

    private static Optional<String> keyAt(FinalRead read, int position) {
        return position < read.keys().size() ? Optional.of(read.keys().get(position)) : Optional.empty();
    }

    private static String entry(FinalRead read, int position) {
        return position < read.keys().size()
                ? "seq " + read.seqs().get(position) + " '" + read.keys().get(position) + "'"
                : "nothing (it ends there)";
    }
}
