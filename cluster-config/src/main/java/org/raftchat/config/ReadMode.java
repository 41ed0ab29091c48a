package org.raftchat.config;

import java.util.Locale;

/**
 * How a leader confirms it is still the leader before it answers a ReadIndex request, which every
 * linearizable read (on the leader or on a follower) passes through.
 */
public enum ReadMode {
    /**
     * A heartbeat round to a majority per batch of reads: correct whatever the clocks do. One extra
     * network round trip and a message to every follower per read batch.
     */
    SAFE,
    /**
     * The leader answers from its lease (it heard from a majority within 90% of an election timeout,
     * measured on its monotonic clock, and no follower votes for another leader before a full election
     * timeout). Correct as long as clocks on different nodes run at nearly the same rate; a paused
     * leader's lease has expired when it resumes, so it falls back to a heartbeat round.
     */
    LEASE;

    /** Parses "safe" or "lease" (any case); the message names the allowed values. */
    public static ReadMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be safe or lease, got \"" + text + "\"");
        }
    }
}
