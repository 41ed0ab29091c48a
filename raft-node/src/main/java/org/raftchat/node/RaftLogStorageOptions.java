package org.raftchat.node;

import com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage;
import com.alipay.sofa.jraft.util.StorageOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;

/**
 * The memtables of SOFAJRaft's RocksDB log, bounded. SOFAJRaft keeps its storage options in one table
 * per JVM, so they are registered once, before the first node in the process opens its log.
 *
 * <p>Why: SOFAJRaft's default column family options end with {@code optimizeLevelStyleCompaction()},
 * whose 512 MB budget overrides its own 64 MB memtable setting: 128 MB memtables, up to six, flushed
 * two at a time. A node's log could so hold 768 MB of entries in memory, and under steady posting its
 * RSS rose for as long as a soak ran (docs/performance.md, round 16). Small memtables bound that; what
 * they cost is a flush: the entries a snapshot has not yet truncated are written once more, to the
 * log's tables.
 */
final class RaftLogStorageOptions {

    /** One memtable of the log; flushed when full. */
    static final long WRITE_BUFFER_BYTES = 16L * 1024 * 1024;
    /** The active memtable and up to two being flushed: at most 48 MB per column family. */
    static final int MAX_WRITE_BUFFERS = 3;

    private static boolean registered;

    private RaftLogStorageOptions() {
    }

    /** Registers the options for every {@link RocksDBLogStorage} this JVM opens from now on; once. */
    static synchronized void register() {
        if (registered) {
            return;
        }
        ColumnFamilyOptions options = StorageOptionsFactory.getDefaultRocksDBColumnFamilyOptions()
                .setWriteBufferSize(WRITE_BUFFER_BYTES)
                .setMaxWriteBufferNumber(MAX_WRITE_BUFFERS)
                .setMinWriteBufferNumberToMerge(1);
        StorageOptionsFactory.registerRocksDBColumnFamilyOptions(RocksDBLogStorage.class, options);
        registered = true;
    }
}
