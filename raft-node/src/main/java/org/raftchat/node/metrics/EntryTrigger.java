package org.raftchat.node.metrics;

/**
 * What sent a group of commands out as one log entry on the leader (the {@code trigger} label of
 * {@code raftchat_proposed_entries_total}). Under a steady stream, many small {@link #QUIET}
 * entries mean the writes arrive in bunches whose pauses end the linger early: more entries, each
 * costing every replica an append, an fsync and an apply (docs/performance.md, round 21).
 */
public enum EntryTrigger {
    /** The group reached the most commands an entry carries. */
    FULL,
    /** One command on a leader with nothing in flight: it never waits. */
    ALONE,
    /** The linger since the previous entry ran out. */
    LINGER,
    /** No command arrived for the quiet time: the burst looked over. */
    QUIET,
    /**
     * Below the busy rate, as many commands arrived as the finished entries had answered: the
     * closed-loop clients they answered have all written again.
     */
    BACK;

    /** The label value: the name in lower case. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
