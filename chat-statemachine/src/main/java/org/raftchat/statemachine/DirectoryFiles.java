package org.raftchat.statemachine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Small file-system helpers for checkpoint restore. All of them throw {@link IOException} unwrapped. */
final class DirectoryFiles {

    private DirectoryFiles() {}

    /** Copies the tree under {@code source} to {@code target}, which must not exist. */
    static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Files.copy(path, target.resolve(source.relativize(path).toString()));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
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

    /** Moves every child of {@code source} into {@code target} (same file system: renames, no copies). */
    static void moveChildren(Path source, Path target) throws IOException {
        for (Path child : children(source)) {
            Files.move(child, target.resolve(child.getFileName().toString()));
        }
    }

    private static List<Path> children(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }
}
