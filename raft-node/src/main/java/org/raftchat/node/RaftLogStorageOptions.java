package org.raftchat.node;

import com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage;
import com.alipay.sofa.jraft.util.StorageOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * The memtables and write-ahead files of SOFAJRaft's RocksDB log, bounded. SOFAJRaft keeps its
 * storage options in one table per JVM, so they are registered once, before the first node in the
 * process opens its log.
 *
 * <p>Why: SOFAJRaft's default column family options end with {@code optimizeLevelStyleCompaction()},
 * whose 512 MB budget overrides its own 64 MB memtable setting: 128 MB memtables, up to six, flushed
 * two at a time. A node's log could so hold 768 MB of entries in memory, and under steady posting its
 * RSS rose for as long as a soak ran (docs/performance.md, round 16). Small memtables bound that; what
 * they cost is a flush: the entries a snapshot has not yet truncated are written once more, to the
 * log's tables.
 *
 * <p>The write-ahead files are bounded too. The log's second column family (SOFAJRaft's configuration
 * entries) takes a write only now and then, and RocksDB keeps every write-ahead file from that
 * family's oldest unflushed write on: 370 MB of them per node 26 minutes into a soak's cluster. Past
 * {@link #MAX_WAL_BYTES} RocksDB flushes that family and deletes what no memtable needs.
 */
final class RaftLogStorageOptions {

    /** One memtable of the log; flushed when full. */
    static final long WRITE_BUFFER_BYTES = 16L * 1024 * 1024;
    /** The active memtable and up to two being flushed: at most 48 MB per column family. */
    static final int MAX_WRITE_BUFFERS = 3;
    /** The log's write-ahead files, at most (RocksDB's default: four times the memtables' limit, 384 MB here). */
    static final long MAX_WAL_BYTES = 64L * 1024 * 1024;

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
        DBOptions dbOptions = StorageOptionsFactory.getDefaultRocksDBOptions().setMaxTotalWalSize(MAX_WAL_BYTES);
        StorageOptionsFactory.registerRocksDBOptions(RocksDBLogStorage.class, dbOptions);
        registered = true;
    }
}
