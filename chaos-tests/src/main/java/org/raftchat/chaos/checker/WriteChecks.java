package org.raftchat.chaos.checker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.raftchat.chaos.history.OpPair;

/**
 * Checks POSTs against the reference order: an acknowledged write must be there, at the seq
 * it was acknowledged with; a write that definitely failed, or was never made, must not be.
 * A write with an unknown outcome (INFO, or never completed) may or may not be there.
 */
final class WriteChecks {

    private WriteChecks() {
    }

    static void check(RoomHistory room, ReferenceOrder ref, Anomalies out) {
        room.postsByKey().forEach((key, posts) -> {
            List<OpPair> acknowledged = posts.stream().filter(OpPair::succeeded).toList();
            if (!acknowledged.isEmpty() && !ref.contains(key)) {
                lost(room, ref, key, acknowledged, out);
            }
            if (ref.contains(key)) {
                acknowledged.forEach(ok -> wrongSeq(room, ref, key, ok, out));
            }
        });
        storedKeys(room).forEach((key, where) -> unexpected(room, key, where, out));
    }

    private static void lost(RoomHistory room, ReferenceOrder ref, String key, List<OpPair> acknowledged,
                             Anomalies out) {
        OpPair first = acknowledged.get(0);
        out.add(AnomalyKind.LOST,
                "room " + room.room() + ": POST '" + key + "' was acknowledged (seq " + first.completion().seq()
                        + ", op #" + first.completion().index() + " at "
                        + Describe.seconds(first.completion().timeNanos()) + ") but is missing from the final read on "
                        + ref.nodeList(),
                room.postOps(key));
    }

    private static void wrongSeq(RoomHistory room, ReferenceOrder ref, String key, OpPair ok, Anomalies out) {
        Long stored = ref.seqOf(key);
        if (Objects.equals(ok.completion().seq(), stored)) {
            return;
        }
        out.add(AnomalyKind.WRONG_SEQ,
                "room " + room.room() + ": POST '" + key + "' was acknowledged with seq " + ok.completion().seq()
                        + " (op #" + ok.completion().index() + ") but sits at seq " + stored
                        + " in the final read on " + ref.nodeList(),
                ok.ops());
    }

    private static void unexpected(RoomHistory room, String key, String where, Anomalies out) {
        List<OpPair> posts = room.postsByKey().get(key);
        if (posts == null) {
            out.add(AnomalyKind.UNEXPECTED,
                    "room " + room.room() + ": key '" + key + "' is stored (" + where + ") but was never posted",
                    List.of());
        } else if (posts.stream().allMatch(OpPair::definitelyFailed)) {
            out.add(AnomalyKind.UNEXPECTED,
                    "room " + room.room() + ": key '" + key + "' is stored (" + where + ") but every POST of it "
                            + "definitely failed (" + posts.get(0).completion().error() + ")",
                    room.postOps(key));
        }
    }

    /** Every key in any final read, with where it was first seen (seq and nodes). */
    private static Map<String, String> storedKeys(RoomHistory room) {
        Map<String, String> where = new LinkedHashMap<>();
        for (ReplicaGroup group : room.replicas()) {
            List<String> keys = group.read().keys();
            for (int i = 0; i < keys.size(); i++) {
                where.putIfAbsent(keys.get(i), "seq " + group.read().seqs().get(i) + " on " + group.nodeList());
            }
        }
        return where;
    }
}
