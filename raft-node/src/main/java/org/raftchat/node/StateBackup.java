package org.raftchat.node;

import com.alipay.sofa.jraft.entity.RaftOutter.SnapshotMeta;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.alipay.sofa.jraft.storage.snapshot.local.LocalSnapshotStorage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.NodeSpec;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.DirectoryFiles;

/**
 * Backups of the replicated state (a zip archive: a RocksDB checkpoint under {@code state/} and a
 * {@code backup.properties} manifest with the applied index and the state digest), and restoring
 * one into a node of a new cluster.
 *
 * <p>A restore writes the checkpoint as a SOFAJRaft snapshot at the backup's applied index into the
 * node's empty data directory, with the new cluster's initial members as its configuration. The
 * node loads it on start (the state machine restores from it, as after a snapshot install) and its
 * Raft log continues after that index. Restoring every initial member from the same archive gives
 * them the same snapshot, so they agree from the first entry on.
 */
final class StateBackup {

    static final String MANIFEST = "backup.properties";
    static final String STATE_PREFIX = ChatFsm.SNAPSHOT_SUBDIR + "/";
    static final String FORMAT = "1";
    /**
     * The term the restored snapshot is said to end in: the new cluster's history starts over (its
     * nodes have no Raft meta yet, so their first election is term 1), as etcd's restore does.
     */
    static final long RESTORED_TERM = 1;
    /** RocksDB's own log files and lock say nothing about the state. */
    private static final List<String> SKIPPED_FILES = List.of("LOCK", "LOG");

    private StateBackup() {
    }

    /** What a backup holds, from its manifest. */
    record Manifest(String groupId, String nodeId, long appliedIndex, String stateDigest) {

        Properties toProperties() {
            Properties p = new Properties();
            p.setProperty("format", FORMAT);
            p.setProperty("groupId", groupId);
            p.setProperty("nodeId", nodeId);
            p.setProperty("appliedIndex", Long.toString(appliedIndex));
            p.setProperty("stateDigest", stateDigest);
            return p;
        }

        static Manifest fromProperties(Properties p) {
            if (!FORMAT.equals(p.getProperty("format"))) {
                throw new IllegalArgumentException("not a RaftChat backup of format " + FORMAT + " (format: " + p.getProperty("format") + ")");
            }
            return new Manifest(p.getProperty("groupId", ""), p.getProperty("nodeId", ""),
                    Long.parseLong(p.getProperty("appliedIndex", "0")), p.getProperty("stateDigest", ""));
        }
    }

    /** A written archive and what it holds. */
    record Archive(Path file, Manifest manifest, String sha256, long bytes) { }

    /**
     * Writes a checkpoint of {@code state} (consistent: taken between two apply batches) and the
     * archive of it into {@code workDir}, which must not exist and should be on the state's file
     * system (the checkpoint hard-links the state's files). The caller deletes {@code workDir}.
     */
    static Archive write(ChatStateMachine state, Path workDir, String groupId, String nodeId) throws IOException {
        Path checkpoint = workDir.resolve("checkpoint");
        state.checkpointTo(checkpoint);
        Manifest manifest;
        // The checkpoint's own applied index and digest: apply may have moved on since.
        try (ChatStateMachine copy = ChatStateMachine.open(checkpoint)) {
            manifest = new Manifest(groupId, nodeId, copy.appliedIndex(), HexFormat.of().formatHex(copy.stateDigest()));
        }
        Path file = workDir.resolve("backup.zip");
        MessageDigest sha256 = Sha256.newDigest();
        try (OutputStream raw = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), sha256);
                ZipOutputStream zip = new ZipOutputStream(raw)) {
            zip.putNextEntry(new ZipEntry(MANIFEST));
            manifest.toProperties().store(zip, "RaftChat backup");
            zip.closeEntry();
            for (Path f : stateFiles(checkpoint)) {
                zip.putNextEntry(new ZipEntry(STATE_PREFIX + f.getFileName()));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
        return new Archive(file, manifest, HexFormat.of().formatHex(sha256.digest()), Files.size(file));
    }

    /** The hex SHA-256 of a file. */
    static String sha256Of(Path file) throws IOException {
        MessageDigest sha256 = Sha256.newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /**
     * Prepares {@code node}'s data directory (absent or empty) to start as a member of a new cluster
     * whose state is the archive's: extracts and checks the checkpoint (its applied index and state
     * digest must be the manifest's), then saves it as a SOFAJRaft snapshot. Returns the manifest.
     */
    static Manifest restore(Path archive, ClusterConfig config, NodeSpec node) throws IOException {
        Path dataDir = node.dataDir();
        if (Files.exists(dataDir) && !isEmptyDirectory(dataDir)) {
            throw new IllegalArgumentException("the data directory " + dataDir + " is not empty: a restore starts a node "
                    + "of a new cluster from nothing (move the old data away first)");
        }
        Path work = dataDir.resolve("restore-tmp");
        try {
            Manifest manifest = extract(archive, work);
            Path checkpoint = work.resolve(ChatFsm.SNAPSHOT_SUBDIR);
            verify(checkpoint, manifest);
            saveAsSnapshot(checkpoint, manifest.appliedIndex(), config, dataDir.resolve("raft").resolve("snapshot"));
            return manifest;
        } finally {
            deleteRecursively(work);
        }
    }

    private static Manifest extract(Path archive, Path work) throws IOException {
        Path stateDir = Files.createDirectories(work.resolve(ChatFsm.SNAPSHOT_SUBDIR));
        Manifest manifest = null;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                String name = e.getName();
                if (name.equals(MANIFEST)) {
                    Properties p = new Properties();
                    p.load(zip);
                    manifest = Manifest.fromProperties(p);
                } else if (name.startsWith(STATE_PREFIX) && isPlainFileName(name.substring(STATE_PREFIX.length()))) {
                    Files.copy(zip, stateDir.resolve(name.substring(STATE_PREFIX.length())));
                } else {
                    throw new IllegalArgumentException(archive + ": unexpected entry '" + name + "': not a RaftChat backup");
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new IllegalArgumentException(archive + ": not a readable backup archive: " + e.getMessage(), e);
        }
        if (manifest == null) {
            throw new IllegalArgumentException(archive + ": no " + MANIFEST + ": not a RaftChat backup");
        }
        return manifest;
    }

    /** Opens a copy of the extracted checkpoint: a damaged archive fails here, not in the new cluster. */
    private static void verify(Path checkpoint, Manifest manifest) throws IOException {
        Path copy = checkpoint.resolveSibling("verify");
        copyDirectory(checkpoint, copy);
        try (ChatStateMachine state = ChatStateMachine.open(copy)) {
            String digest = HexFormat.of().formatHex(state.stateDigest());
            if (state.appliedIndex() != manifest.appliedIndex() || !digest.equals(manifest.stateDigest())) {
                throw new IllegalArgumentException("the backup's state does not match its manifest (applied index "
                        + state.appliedIndex() + " vs " + manifest.appliedIndex() + ", digest " + digest + " vs "
                        + manifest.stateDigest() + "): the archive is damaged");
            }
        }
    }

    private static void saveAsSnapshot(Path checkpoint, long appliedIndex, ClusterConfig config, Path snapshotDir)
            throws IOException {
        Files.createDirectories(snapshotDir);
        LocalSnapshotStorage storage = new LocalSnapshotStorage(snapshotDir.toString(), null, new RaftOptions());
        if (!storage.init(null)) {
            throw new IOException("cannot initialise the snapshot storage in " + snapshotDir);
        }
        try {
            SnapshotWriter writer = storage.create();
            if (writer == null) {
                throw new IOException("cannot create a snapshot in " + snapshotDir);
            }
            Path target = Files.createDirectories(Path.of(writer.getPath(), ChatFsm.SNAPSHOT_SUBDIR));
            for (Path f : stateFiles(checkpoint)) {
                Path copy = target.resolve(f.getFileName());
                Files.copy(f, copy);
                DirectoryFiles.sync(copy); // the snapshot is the new cluster's only copy of the data until its nodes start
                if (!writer.addFile(STATE_PREFIX + f.getFileName())) {
                    throw new IOException("the snapshot writer refused " + f.getFileName());
                }
            }
            DirectoryFiles.sync(target);
            SnapshotMeta meta = SnapshotMeta.newBuilder()
                    .setLastIncludedIndex(appliedIndex)
                    .setLastIncludedTerm(RESTORED_TERM)
                    .addAllPeers(Arrays.asList(config.initialRaftConfiguration().split(",")))
                    .build();
            if (!writer.saveMeta(meta)) {
                throw new IOException("cannot save the snapshot's meta in " + writer.getPath());
            }
            writer.close();
        } finally {
            storage.shutdown();
        }
    }

    private static List<Path> stateFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> SKIPPED_FILES.stream().noneMatch(s -> f.getFileName().toString().startsWith(s)))
                    .sorted()
                    .toList();
        }
    }

    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.contains("/") && !name.contains("\\") && !name.equals("..") && !name.equals(".");
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

}
