package org.raftchat.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.StateMachineException;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once after start-up, in the background: reads every table of the node's three RocksDB stores (the
 * Raft log, the chat state, the saved snapshots) and checks their block checksums. RocksDB refuses a
 * corrupt block whenever it reads one, so corrupt data is never served; but a damaged table nobody
 * happens to read would otherwise go unnoticed until a follower is sent it in a snapshot, or until
 * this replica is needed for a majority. Found corruption is a {@link FatalError} with
 * {@code dataCorrupt}: the replica must be replaced, not restarted.
 *
 * <p>Only "Corruption" counts. Other errors (a table compacted away while it was being read) say
 * nothing about the data and are logged.
 */
final class StorageCheck {

    private static final Logger LOG = LoggerFactory.getLogger(StorageCheck.class);

    private final ChatStateMachine state;
    private final Path raftLogDir;
    private final Path snapshotRoot;
    private final Consumer<FatalError> onCorrupt;

    StorageCheck(ChatStateMachine state, Path raftLogDir, Path snapshotRoot, Consumer<FatalError> onCorrupt) {
        this.state = state;
        this.raftLogDir = raftLogDir;
        this.snapshotRoot = snapshotRoot;
        this.onCorrupt = onCorrupt;
    }

    /** Runs the check on its own daemon thread. */
    void startInBackground(String nodeId) {
        Thread thread = new Thread(this::run, "storage-check-" + nodeId);
        thread.setDaemon(true);
        thread.start();
    }

    /** @return whether every store passed */
    boolean run() {
        long startNanos = System.nanoTime();
        List<String> corrupt = new ArrayList<>();
        checkState(corrupt);
        if (Files.isDirectory(raftLogDir)) {
            checkReadOnly(raftLogDir, false, corrupt);
        }
        snapshotStateDirs().forEach(dir -> checkReadOnly(dir, true, corrupt));
        if (corrupt.isEmpty()) {
            LOG.info("Storage check passed: Raft log, state and snapshots read in full in {} ms",
                    (System.nanoTime() - startNanos) / 1_000_000);
            return true;
        }
        LOG.error("Storage check found corrupt data: {}", corrupt);
        onCorrupt.accept(new FatalError(String.join("; ", corrupt), FatalError.Cause.DATA_CORRUPT));
        return false;
    }

    private void checkState(List<String> corrupt) {
        try {
            state.verifyChecksums();
        } catch (StateMachineException e) {
            record("chat state", e, corrupt);
        } catch (IllegalStateException closed) {
            LOG.debug("State closed during the storage check", closed);
        }
    }

    /**
     * Opens the store read-only (the node keeps its own handle open; this one takes no lock), with all
     * its column families. A saved snapshot never changes: if it cannot be opened while it still exists
     * (a damaged CURRENT names no manifest, say), it is as corrupt as a bad checksum.
     */
    private static void checkReadOnly(Path dir, boolean immutable, List<String> corrupt) {
        try (Options listOptions = new Options()) {
            List<byte[]> families = RocksDB.listColumnFamilies(listOptions, dir.toString());
            if (families.isEmpty()) {
                families = List.of(RocksDB.DEFAULT_COLUMN_FAMILY);
            }
            List<ColumnFamilyDescriptor> descriptors = families.stream().map(ColumnFamilyDescriptor::new).toList();
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            try (DBOptions options = new DBOptions();
                 RocksDB db = RocksDB.openReadOnly(options, dir.toString(), descriptors, handles)) {
                try {
                    db.verifyChecksum();
                } finally {
                    handles.forEach(ColumnFamilyHandle::close);
                }
            }
        } catch (RocksDBException e) {
            if (immutable && Files.isDirectory(dir) && !FatalError.isRocksDbCorruption(e)) {
                corrupt.add(dir + ": cannot be opened: " + e.getMessage());
            } else {
                record(dir.toString(), e, corrupt);
            }
        }
    }

    private static void record(String what, Exception e, List<String> corrupt) {
        if (FatalError.isRocksDbCorruption(e)) {
            corrupt.add(what + ": " + e.getMessage());
        } else {
            LOG.warn("Storage check could not read {} in full ({}); not counted as corruption", what, e.getMessage());
        }
    }

    private List<Path> snapshotStateDirs() {
        if (!Files.isDirectory(snapshotRoot)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(snapshotRoot)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("snapshot_"))
                    .map(d -> d.resolve(ChatFsm.SNAPSHOT_SUBDIR)).filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            LOG.warn("Storage check cannot list snapshots in {}: {}", snapshotRoot, e.toString());
            return List.of();
        }
    }
}
