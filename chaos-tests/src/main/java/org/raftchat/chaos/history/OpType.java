package org.raftchat.chaos.history;

/**
 * What an {@link Op} records: the start of an operation or one of its three possible ends.
 */
public enum OpType {
    /** The client is about to send the request. */
    INVOKE,
    /** The server answered with success: the effect happened (for a POST: committed and applied). */
    OK,
    /** The operation definitely did not take effect (rejected before it could be proposed). */
    FAIL,
    /**
     * The outcome is unknown: a timeout or UNAVAILABLE after the write may have been proposed.
     * The write may or may not appear in the log; both are correct.
     */
    INFO
}
