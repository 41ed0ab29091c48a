package org.raftchat.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where one-shot commands keep the session between runs: a file holding the username and the token,
 * readable only by its owner. {@code RAFTCHAT_SESSION_FILE} names it; the default is
 * {@code ~/.raftchat/session}.
 */
final class SessionStore {

    static final String ENV = "RAFTCHAT_SESSION_FILE";

    /** A saved login. */
    record Saved(String username, String token) { }

    private final Path file;

    SessionStore(Path file) {
        this.file = file;
    }

    static SessionStore from(Map<String, String> env) {
        String configured = env.get(ENV);
        Path file = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".raftchat", "session");
        return new SessionStore(file);
    }

    Path file() {
        return file;
    }

    Optional<Saved> load() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.size() >= 2 ? Optional.of(new Saved(lines.get(0).strip(), lines.get(1).strip())) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the session file " + file, e);
        }
    }

    /** Writes a temporary file with owner-only permissions, then moves it in place. */
    void save(Saved saved) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, "session", ".tmp");
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(temp, saved.username() + "\n" + saved.token() + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the session file " + file, e);
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the session file " + file, e);
        }
    }
}
