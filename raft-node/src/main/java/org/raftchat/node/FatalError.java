package org.raftchat.node;

import org.raftchat.statemachine.ApplyFailedException;
import org.raftchat.statemachine.CorruptLogException;
import org.raftchat.statemachine.StateMachineException;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * Why this replica stopped for good in this process (SOFAJRaft's error state, or a start-up that
 * could not open its storage), and what kind of failure it was.
 *
 * <p>The kinds need different repairs. A full disk or a failed write heals once the disk does: the
 * process exits and its supervisor starts it again, and the log replay catches it up. Corrupt data
 * does not heal by restarting: the replica must be replaced (removed, its data wiped, added back),
 * and then it catches up from the others by snapshot. A bug in apply heals neither way: apply is
 * deterministic, so every replica fails on the same entry, and a restarted or replaced replica
 * replays that entry and fails again; only a build that fixes the bug gets past it.
 */
public record FatalError(String reason, Cause cause) {

    /** What kind of failure stopped the replica; its lower-case name labels the apply-failure metric. */
    public enum Cause {
        /** The disk or a write failed: restarting helps once the disk is fixed. */
        STORAGE_FAILED,
        /** Data on disk (or a committed entry) is damaged: replace the replica. */
        DATA_CORRUPT,
        /** Apply threw where it should not: a bug, on every replica alike; neither restart nor replacement helps. */
        APPLY_BUG;

        /** The metric label: {@code storage_failed}, {@code data_corrupt}, {@code apply_bug}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * RocksDB's status code for what its checksums and format checks catch; where only text survives
     * (SOFAJRaft's status), its "Corruption: ..." or the bare "checksum mismatch" message.
     */
    private static final java.util.List<String> CORRUPTION_TEXTS = java.util.List.of("Corruption", "checksum mismatch");

    public FatalError {
        java.util.Objects.requireNonNull(cause, "cause");
    }

    /** Whether the data on disk is known to be corrupt (the replica must be replaced). */
    public boolean dataCorrupt() {
        return cause == Cause.DATA_CORRUPT;
    }

    /** From SOFAJRaft's error status, which carries the storage error only as text. */
    static FatalError fromRaftStatus(String status) {
        return new FatalError(status, mentionsCorruption(status) ? Cause.DATA_CORRUPT : Cause.STORAGE_FAILED);
    }

    /** From an exception that stopped the node (at start-up, when opening its storage). */
    static FatalError fromException(Throwable error) {
        boolean corrupt = isRocksDbCorruption(error);
        Throwable root = error;
        for (Throwable t = error; t != null; t = t.getCause()) {
            corrupt |= mentionsCorruption(t.getMessage());
            root = t;
        }
        return new FatalError(root == error ? String.valueOf(error) : error + ", caused by " + root,
                corrupt ? Cause.DATA_CORRUPT : Cause.STORAGE_FAILED);
    }

    /**
     * From what the state machine threw while applying committed entries {@code firstIndex..lastIndex}.
     * Storage failures are told apart from corruption as at start-up; an entry that cannot be decoded
     * is corrupt data (restarting would decode the same bytes again); anything else is a bug in apply.
     */
    static FatalError fromApplyFailure(RuntimeException error, long firstIndex, long lastIndex) {
        if (error instanceof ApplyFailedException || error instanceof CorruptLogException) {
            // Their messages name the entry (and the command).
            return new FatalError(error.getMessage(), error instanceof CorruptLogException ? Cause.DATA_CORRUPT : Cause.APPLY_BUG);
        }
        String entries = "log entries " + firstIndex + ".." + lastIndex + ": ";
        if (error instanceof StateMachineException) {
            FatalError storage = fromException(error);
            return new FatalError(entries + storage.reason(), storage.cause());
        }
        return new FatalError(entries + "apply failed: " + error, Cause.APPLY_BUG);
    }

    /** Whether RocksDB's status code anywhere in the cause chain says "Corruption". */
    static boolean isRocksDbCorruption(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RocksDBException r && r.getStatus() != null && r.getStatus().getCode() == Status.Code.Corruption) {
                return true;
            }
        }
        return false;
    }

    private static boolean mentionsCorruption(String text) {
        return text != null && CORRUPTION_TEXTS.stream().anyMatch(text::contains);
    }
}
