package org.raftchat.statemachine;

/**
 * Key-value reads of the state, in key order. Apply reads through its batch ({@link BatchStore});
 * queries read one snapshot ({@link SnapshotReader}). A storage failure is a {@link StateMachineException}.
 */
interface StateReader {

    byte[] get(byte[] key);

    /** Visits, in key order, the entries from {@code from} on whose keys start with {@code prefix}. The visitor writes nothing. */
    void scan(byte[] prefix, byte[] from, Visitor visitor);

    /** Visits, in key order, the entries whose keys start with {@code prefix}. */
    default void scan(byte[] prefix, Visitor visitor) {
        scan(prefix, prefix, visitor);
    }

    interface Visitor {
        void visit(byte[] key, byte[] value);
    }
}
