package org.raftchat.chaos.history;

/** The client operations the workload performs against a room. */
public enum OpFunction {
    /** PostRoomMessage with a unique text that doubles as the idempotency key. */
    POST,
    /** ReadHistory of the whole room on one node (linearizable, via ReadIndex). */
    READ
}
