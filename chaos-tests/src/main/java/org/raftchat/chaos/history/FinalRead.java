package org.raftchat.chaos.history;

import java.util.List;
import java.util.Objects;

/**
 * The whole history of a room as read from one node after the faults were healed and the
 * cluster had settled. The checker takes these as the reference order.
 *
 * @param node the node that answered
 * @param room the room read
 * @param keys message texts in seq order
 * @param seqs the seq of each message, parallel to {@code keys}
 * @param timestampsMs the leader-stamped time of each message, parallel to {@code keys}; empty
 *                     when not recorded (histories of older runs)
 */
public record FinalRead(String node, String room, List<String> keys, List<Long> seqs, List<Long> timestampsMs) {

    public FinalRead(String node, String room, List<String> keys, List<Long> seqs) {
        this(node, room, keys, seqs, List.of());
    }

    public FinalRead {
        timestampsMs = timestampsMs == null ? List.of() : List.copyOf(timestampsMs);
        if (!timestampsMs.isEmpty() && timestampsMs.size() != keys.size()) {
            throw new IllegalArgumentException("final read of " + room + " on " + node + ": " + keys.size() + " keys but "
                    + timestampsMs.size() + " timestamps");
        }
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(room, "room");
        keys = List.copyOf(keys);
        seqs = List.copyOf(seqs);
        if (keys.size() != seqs.size()) {
            throw new IllegalArgumentException(
                    "final read of " + room + " on " + node + ": " + keys.size() + " keys but " + seqs.size() + " seqs");
        }
    }

    /** Same messages at the same seqs in the same order, with the same timestamps (the node is not compared). */
    public boolean sameContentAs(FinalRead other) {
        return keys.equals(other.keys) && seqs.equals(other.seqs) && timestampsMs.equals(other.timestampsMs);
    }
}
