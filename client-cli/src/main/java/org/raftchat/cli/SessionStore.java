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
 * readable only by its owner (mode 600, in a directory it creates with mode 700).
 * {@code RAFTCHAT_SESSION_FILE} names it; the default is {@code session} in the user's config
 * directory ({@link UserConfig#dir}). A session saved by older clients in {@code ~/.raftchat/session}
 * is still read (unless {@code RAFTCHAT_CONFIG_DIR} is set) until the next login or logout removes it.
 */
final class SessionStore {

    static final String ENV = "RAFTCHAT_SESSION_FILE";
    static final String FILE_NAME = "session";

    /** A saved login. */
    record Saved(String username, String token) { }

    private final Path file;
    /** Where older clients kept the session: read when {@link #file} is absent, removed by the next save. */
    private final Optional<Path> legacy;
    private final String source;

    SessionStore(Path file) {
        this(file, Optional.empty(), "given");
    }

    private SessionStore(Path file, Optional<Path> legacy, String source) {
        this.file = file;
        this.legacy = legacy;
        this.source = source;
    }

    static SessionStore from(Map<String, String> env) {
        String configured = env.get(ENV);
        if (configured != null && !configured.isBlank()) {
            return new SessionStore(Path.of(configured), Optional.empty(), "$" + ENV);
        }
        UserConfig.Dir dir = UserConfig.dir(env);
        // An explicit $RAFTCHAT_CONFIG_DIR is a world of its own (tests, several identities): no fallback.
        boolean explicitDir = dir.source().equals("$" + UserConfig.ENV_CONFIG_DIR);
        Optional<Path> legacy = explicitDir ? Optional.empty()
                : Optional.of(UserConfig.home(env).resolve(".raftchat").resolve("session"));
        return new SessionStore(dir.path().resolve(FILE_NAME), legacy, "config dir (" + dir.source() + ")");
    }

    Path file() {
        return file;
    }

    /** Which rule chose the file: "$RAFTCHAT_SESSION_FILE" or "config dir (...)". */
    String source() {
        return source;
    }

    Optional<Saved> load() {
        if (Files.isRegularFile(file)) {
            return read(file);
        }
        return legacy.filter(Files::isRegularFile).flatMap(SessionStore::read);
    }

    private static Optional<Saved> read(Path file) {
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
            UserConfig.createOwnerOnlyDirectories(parent);
            Path temp = Files.createTempFile(parent, "session", ".tmp");
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(temp, saved.username() + "\n" + saved.token() + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (legacy.isPresent()) {
                Files.deleteIfExists(legacy.get());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the session file " + file, e);
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
            if (legacy.isPresent()) {
                Files.deleteIfExists(legacy.get());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the session file " + file, e);
        }
    }
}
