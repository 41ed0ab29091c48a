package org.raftchat.chaos.checker;

/**
 * Every kind of anomaly the {@link Checker} reports, with the name it carries in
 * {@link Anomaly#kind()} and the key under which {@link Verdict#counts()} counts it.
 */
public enum AnomalyKind {
    /** An acknowledged POST whose key is missing from the final read. */
    LOST("lost", "lost"),
    /** A key that appears more than once in a final read or in an OK read. */
    DUPLICATED("duplicated", "duplicated"),
    /** A key in the final read that was never posted, or whose every POST definitely failed. */
    UNEXPECTED("unexpected", "unexpected"),
    /** A node whose final read differs from the others'. */
    DIVERGENT_REPLICA("divergent-replica", "divergentReplicas"),
    /** An OK READ that misses a key acknowledged before the READ was invoked. */
    STALE_READ("stale-read", "staleReads"),
    /** An OK READ that misses a key, or reports a lower last seq, than a READ that completed before it began. */
    NON_MONOTONIC_READ("non-monotonic-read", "nonMonotonicReads"),
    /** A subscriber never received a seq between its first and its highest delivery. */
    SUBSCRIBER_GAP("subscriber-gap", "subscriberGaps"),
    /** A subscriber received the same seq twice (across reconnects included). */
    SUBSCRIBER_DUPLICATE("subscriber-duplicate", "subscriberDuplicates"),
    /** A subscriber received a seq lower than one it had already received. */
    SUBSCRIBER_REORDER("subscriber-reorder", "subscriberReorders"),
    /** An OK POST whose acknowledged seq is not the seq its key has in the final read. */
    WRONG_SEQ("wrong-seq", "wrongSeqs"),
    /** An OK READ whose keys are not a prefix of the final order. */
    READ_ORDER("read-order", "readOrderViolations"),
    /** A delivered (seq, key) that is not the final read's message at that seq. */
    SUBSCRIBER_WRONG_MESSAGE("subscriber-wrong-message", "subscriberWrongMessages"),
    /** A final read whose seqs are not 1..n without gaps. */
    FINAL_SEQ_GAP("final-seq-gap", "finalSeqGaps"),
    /** A message stored with an earlier timestamp than the message before it (a leader's clock behind its predecessor's). */
    TIMESTAMP_BACKWARDS("timestamp-backwards", "timestampsBackwards"),
    /** A room that was written to or subscribed to, but no node answered its final read: nothing to check against. */
    MISSING_FINAL_READ("missing-final-read", "missingFinalReads");

    private final String label;
    private final String countKey;

    AnomalyKind(String label, String countKey) {
        this.label = label;
        this.countKey = countKey;
    }

    /** The name used in {@link Anomaly#kind()}, e.g. {@code "stale-read"}. */
    public String label() {
        return label;
    }

    /** The key in {@link Verdict#counts()}, e.g. {@code "staleReads"}. */
    public String countKey() {
        return countKey;
    }
}
