package org.raftchat.node.metrics;

/**
 * What sent a group of commands out as one log entry on the leader (the {@code trigger} label of
 * {@code raftchat_proposed_entries_total}). Under a steady stream most entries should end by
 * {@link #LINGER}; many {@link #QUIET} entries there mean the pauses that end a linger come from
 * somewhere else than the clients, such as a starved thread on a busy machine.
 */
public enum EntryTrigger {
    /** The group reached the most commands an entry carries. */
    FULL,
    /** One command on a leader with nothing in flight: it never waits. */
    ALONE,
    /** The linger since the previous entry ran out. */
    LINGER,
    /** No command arrived for the quiet time: the burst looked over. */
    QUIET;

    /** The label value: the name in lower case. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
