package org.raftchat.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The user's own client settings, in the user's config directory: {@code $RAFTCHAT_CONFIG_DIR}, else
 * {@code $XDG_CONFIG_HOME/raftchat}, else {@code ~/.config/raftchat}. It holds {@code config.properties}
 * (the keys in {@link #KEYS}) and the session file. Everything is read through the given environment
 * map, so tests point it at a temporary directory.
 */
public final class UserConfig {

    static final String ENV_CONFIG_DIR = "RAFTCHAT_CONFIG_DIR";
    static final String ENV_XDG_CONFIG_HOME = "XDG_CONFIG_HOME";
    static final String FILE_NAME = "config.properties";

    /** The nodes' client API addresses, {@code host:port,host:port,...}. */
    static final String CLUSTER = "cluster";
    /** A CA certificate (PEM) to trust: connect with TLS. A relative path is relative to the config directory. */
    static final String TLS_CA = "tls.ca";
    /** The device name {@code raftchat login} uses when {@code --device} is not given. */
    static final String DEVICE = "device";
    static final List<String> KEYS = List.of(CLUSTER, TLS_CA, DEVICE);

    /** A config file that cannot be read or has unknown keys; the CLI reports it as a usage error. */
    public static final class InvalidUserConfigException extends RuntimeException {
        InvalidUserConfigException(String message) {
            super(message);
        }
    }

    /**
     * Where the config directory is, and which rule chose it.
     *
     * @param path   the directory (it may not exist yet)
     * @param source "$RAFTCHAT_CONFIG_DIR", "$XDG_CONFIG_HOME" or "~/.config"
     */
    public record Dir(Path path, String source) { }

    private final Path file;
    private final Properties values;

    private UserConfig(Path file, Properties values) {
        this.file = file;
        this.values = values;
    }

    /** The config directory chosen by the environment. */
    public static Dir dir(Map<String, String> env) {
        String explicit = env.get(ENV_CONFIG_DIR);
        if (explicit != null && !explicit.isBlank()) {
            return new Dir(Path.of(explicit), "$" + ENV_CONFIG_DIR);
        }
        String xdg = env.get(ENV_XDG_CONFIG_HOME);
        if (xdg != null && !xdg.isBlank()) {
            return new Dir(Path.of(xdg, "raftchat"), "$" + ENV_XDG_CONFIG_HOME);
        }
        return new Dir(home(env).resolve(".config").resolve("raftchat"), "~/.config");
    }

    /** The user's home: {@code $HOME}, else the JVM's {@code user.home}. */
    static Path home(Map<String, String> env) {
        String home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }

    /** Reads {@code config.properties} from the config directory; an absent file is an empty config. */
    public static UserConfig load(Map<String, String> env) {
        Path file = dir(env).path().resolve(FILE_NAME);
        Properties values = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                values.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new InvalidUserConfigException(file + ": cannot read: " + e.getMessage());
            }
        }
        for (String key : values.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new InvalidUserConfigException(file + ": unknown key '" + key + "' (known: " + String.join(", ", KEYS) + ")");
            }
        }
        return new UserConfig(file, values);
    }

    public Path file() {
        return file;
    }

    public boolean exists() {
        return Files.isRegularFile(file);
    }

    public Optional<String> get(String key) {
        String value = values.getProperty(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public Optional<String> cluster() {
        return get(CLUSTER);
    }

    /** The CA to trust, resolved against the config directory. */
    public Optional<Path> tlsCa() {
        return get(TLS_CA).map(p -> file.getParent().resolve(p));
    }

    public Optional<String> device() {
        return get(DEVICE);
    }

    /**
     * Sets (value non-null) or removes (null) one key, rewriting only that key's line so the user's
     * comments and other lines stay. Creates the directory (owner-only) and the file if needed.
     */
    public static Path write(Map<String, String> env, String key, String value) {
        if (!KEYS.contains(key)) {
            throw new InvalidUserConfigException("unknown key '" + key + "' (known: " + String.join(", ", KEYS) + ")");
        }
        Path file = dir(env).path().resolve(FILE_NAME);
        try {
            createOwnerOnlyDirectories(file.getParent());
            List<String> lines = Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            List<String> updated = new ArrayList<>();
            for (String line : lines) {
                if (!definesKey(line, key)) {
                    updated.add(line);
                }
            }
            if (value != null) {
                updated.add(key + " = " + value.replace("\\", "\\\\"));
            }
            Files.write(file, updated, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static boolean definesKey(String line, String key) {
        String s = line.stripLeading();
        if (!s.startsWith(key)) {
            return false;
        }
        String rest = s.substring(key.length()).stripLeading();
        return rest.isEmpty() || rest.charAt(0) == '=' || rest.charAt(0) == ':';
    }

    /** Creates missing directories readable only by their owner (where the file system has POSIX permissions). */
    static void createOwnerOnlyDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
            Files.createDirectories(dir, ownerOnly);
        } else {
            Files.createDirectories(dir);
        }
    }
}
