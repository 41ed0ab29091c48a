package org.raftchat.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The admin API's credential: one shared secret per cluster, sent by admin clients in the
 * {@code authorization: Bearer <token>} header. {@link #toString()} never shows it.
 */
public record AdminToken(String value) {

    public AdminToken {
        Objects.requireNonNull(value, "value");
        if (value.length() < Defaults.MIN_ADMIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("admin token: must be at least " + Defaults.MIN_ADMIN_TOKEN_LENGTH
                    + " characters, got " + value.length());
        }
        if (!value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("admin token: only printable ASCII without spaces is allowed");
        }
    }

    /** Reads a token file: its content with surrounding whitespace (a trailing newline) removed. */
    public static AdminToken read(Path file) throws InvalidClusterConfigException {
        try {
            return new AdminToken(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new InvalidClusterConfigException(file + ": cannot read the admin token file: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InvalidClusterConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether a presented secret is this one, in time independent of where they differ: both are
     * hashed first, so neither the position of the first difference nor the length leaks.
     */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(value), sha256(presented));
    }

    @Override
    public String toString() {
        return "AdminToken[***]";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
