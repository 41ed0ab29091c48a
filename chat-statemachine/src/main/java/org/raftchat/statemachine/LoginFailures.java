package org.raftchat.statemachine;

/**
 * Failed logins as replicated: for one (username, client address) pair and for the address across
 * usernames. Times are leader times; a lock-out is over once the leader's clock passes it.
 */
public record LoginFailures(int userFailures, long userLockedUntilMs, int addressFailures, long addressLockedUntilMs) {

    /** The later of the two lock-outs (0: none). */
    public long lockedUntilMs() {
        return Math.max(userLockedUntilMs, addressLockedUntilMs);
    }

    /** Whether the address, rather than the pair, holds the later lock-out. */
    public boolean lockedByAddress() {
        return addressLockedUntilMs > userLockedUntilMs;
    }
}
