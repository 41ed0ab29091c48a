package org.raftchat.node;

import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * Why this replica stopped for good in this process (SOFAJRaft's error state, or a start-up that
 * could not open its storage), and whether its data on disk is known to be corrupt.
 *
 * <p>The two need different repairs. A full disk or a failed write heals once the disk does: the
 * process exits and its supervisor starts it again, and the log replay catches it up. Corrupt data
 * does not heal by restarting: the replica must be replaced (removed, its data wiped, added back),
 * and then it catches up from the others by snapshot.
 */
public record FatalError(String reason, boolean dataCorrupt) {

    /**
     * RocksDB's status code for what its checksums and format checks catch; where only text survives
     * (SOFAJRaft's status), its "Corruption: ..." or the bare "checksum mismatch" message.
     */
    private static final java.util.List<String> CORRUPTION_TEXTS = java.util.List.of("Corruption", "checksum mismatch");

    /** From SOFAJRaft's error status, which carries the storage error only as text. */
    static FatalError fromRaftStatus(String status) {
        return new FatalError(status, mentionsCorruption(status));
    }

    /** From an exception that stopped the node (at start-up, when opening its storage). */
    static FatalError fromException(Throwable error) {
        boolean corrupt = isRocksDbCorruption(error);
        Throwable root = error;
        for (Throwable t = error; t != null; t = t.getCause()) {
            corrupt |= mentionsCorruption(t.getMessage());
            root = t;
        }
        return new FatalError(root == error ? String.valueOf(error) : error + ", caused by " + root, corrupt);
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
