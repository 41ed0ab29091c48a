package org.raftchat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A node process on this machine, to be measured from {@code /proc}: its CPU time, resident
 * memory and the bytes under its data directory.
 *
 * @param id       the node's id (n1, ...)
 * @param pid      its process id
 * @param dataDir  its data directory (RocksDB, Raft log, snapshots)
 */
public record NodeProcess(String id, long pid, Path dataDir) {

    public NodeProcess {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dataDir, "dataDir");
        if (pid <= 0) {
            throw new IllegalArgumentException("pid: must be > 0, got " + pid);
        }
    }

    /**
     * The nodes of a {@code raftchat-dev} run directory ({@code --run-dir}): {@code pids/<id>.pid}
     * names each process and {@code data/<id>} holds its data, as raftchat-dev lays them out.
     *
     * @throws IllegalArgumentException when the directory holds no pid files or one is not a number
     */
    public static List<NodeProcess> ofRunDir(Path runDir) {
        Path pids = runDir.resolve("pids");
        if (!Files.isDirectory(pids)) {
            throw new IllegalArgumentException("--run-dir: " + runDir + " has no pids/ directory (is it a raftchat-dev run dir?)");
        }
        List<NodeProcess> nodes = new ArrayList<>();
        try (Stream<Path> files = Files.list(pids)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".pid")).sorted().toList()) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - ".pid".length());
                nodes.add(new NodeProcess(id, parsePid(file), runDir.resolve("data").resolve(id)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pids, e);
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("--run-dir: no node is running under " + runDir + " (no pids/*.pid)");
        }
        return nodes;
    }

    private static long parsePid(Path file) throws IOException {
        String text = Files.readString(file).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--run-dir: " + file + " does not hold a process id: '" + text + "'");
        }
    }
}
