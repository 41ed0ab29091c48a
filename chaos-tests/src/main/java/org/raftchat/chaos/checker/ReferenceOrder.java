package org.raftchat.chaos.checker;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.raftchat.chaos.history.FinalRead;

/**
 * A room's reference history: the final read most nodes agree on. Every other observation
 * (acknowledged seqs, reads, deliveries) is compared with it.
 */
final class ReferenceOrder {

    private final ReplicaGroup group;
    private final Map<String, Long> seqByKey = new HashMap<>();
    private final Map<Long, String> keyBySeq = new HashMap<>();

    ReferenceOrder(ReplicaGroup group) {
        this.group = group;
        FinalRead read = group.read();
        for (int i = 0; i < read.keys().size(); i++) {
            // First occurrence wins: a duplicate is reported separately and should not also
            // shift the key's seq.
            seqByKey.putIfAbsent(read.keys().get(i), read.seqs().get(i));
            keyBySeq.putIfAbsent(read.seqs().get(i), read.keys().get(i));
        }
    }

    List<String> keys() {
        return group.read().keys();
    }

    String nodeList() {
        return group.nodeList();
    }

    boolean contains(String key) {
        return seqByKey.containsKey(key);
    }

    /** The seq of the key's first occurrence, or null if absent. */
    Long seqOf(String key) {
        return seqByKey.get(key);
    }

    /** The key stored at {@code seq}, or null if there is none. */
    String keyAt(long seq) {
        return keyBySeq.get(seq);
    }
}
