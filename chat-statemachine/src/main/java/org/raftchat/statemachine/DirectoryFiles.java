package org.raftchat.statemachine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Small file-system helpers for checkpoint restore. All of them throw {@link IOException} unwrapped.
 * What they write is synced before they return: a restored state must survive a power failure as the
 * Raft log does (RocksDB refuses a table shorter than its manifest says, and the replica would stop).
 */
public final class DirectoryFiles {

    private DirectoryFiles() {}

    /** Copies the tree under {@code source} to {@code target}, which must not exist, and syncs the copy. */
    static void copyTree(Path source, Path target) throws IOException {
        List<Path> directories;
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path copy = target.resolve(source.relativize(path).toString());
                Files.copy(path, copy);
                if (Files.isRegularFile(copy)) {
                    sync(copy);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        try (Stream<Path> paths = Files.walk(target)) {
            directories = paths.filter(Files::isDirectory).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path directory : directories) {
            sync(directory); // the names of the files in it
        }
        sync(target.toAbsolutePath().getParent()); // the name of the copy itself
    }

    /** fsync: a file's data, or a directory's entries (Linux lets a directory be opened for this). */
    public static void sync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Deletes {@code dir} and everything under it; does nothing if it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path path : deepestFirst) {
                Files.delete(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Empties {@code dir} but keeps the directory itself. */
    static void deleteChildren(Path dir) throws IOException {
        for (Path child : children(dir)) {
            deleteTree(child);
        }
    }

    /**
     * Moves every child of {@code source} into {@code target} (same file system: renames, no copies) and
     * syncs {@code target}'s entries.
     */
    static void moveChildren(Path source, Path target) throws IOException {
        for (Path child : children(source)) {
            Files.move(child, target.resolve(child.getFileName().toString()));
        }
        sync(target);
    }

    private static List<Path> children(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }
}
