package org.raftchat.chaos.checker;

import java.util.ArrayList;
import java.util.List;
import org.raftchat.chaos.history.FinalRead;
import org.raftchat.chaos.history.Op;

/**
 * Time in a conversation never goes backwards: each message's leader-stamped timestamp is at
 * least its predecessor's, whichever leader stamped them and however its clock was set. Checked
 * on every distinct final read (the replicas' reads differ only if they diverged).
 */
final class TimestampChecks {

    private TimestampChecks() {
    }

    static void check(RoomHistory room, Anomalies out) {
        for (ReplicaGroup group : room.replicas()) {
            FinalRead read = group.read();
            List<Long> ts = read.timestampsMs();
            for (int i = 1; i < ts.size(); i++) {
                if (ts.get(i) < ts.get(i - 1)) {
                    List<Op> ops = new ArrayList<>(room.postOps(read.keys().get(i - 1)));
                    ops.addAll(room.postOps(read.keys().get(i)));
                    out.add(AnomalyKind.TIMESTAMP_BACKWARDS,
                            "room " + room.room() + " on " + group.nodeList() + ": seq " + read.seqs().get(i) + " ("
                                    + read.keys().get(i) + ") is stamped " + ts.get(i) + " ms, " + (ts.get(i - 1) - ts.get(i))
                                    + " ms before seq " + read.seqs().get(i - 1) + " (" + read.keys().get(i - 1) + ")",
                            ops);
                }
            }
        }
    }
}
