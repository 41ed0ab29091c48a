package org.raftchat.statemachine;

/**
 * The log contains an entry that cannot be decoded or breaks an invariant (for example an index
 * that does not increase). The replica must stop; skipping the entry would let replicas diverge.
 * When this is thrown, nothing of the batch has been written.
 */
public final class CorruptLogException extends RuntimeException {

    private final long index;

    public CorruptLogException(long index, String message, Throwable cause) {
        super("log entry " + index + ": " + message, cause);
        this.index = index;
    }

    /** The Raft index of the offending entry. */
    public long index() {
        return index;
    }
}
