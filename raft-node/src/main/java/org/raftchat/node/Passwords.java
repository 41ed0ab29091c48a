package org.raftchat.node;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted, slow password hashes (PBKDF2-HMAC-SHA256), computed on the leader before proposing so the
 * log carries only "pbkdf2-sha256$iterations$salt$hash" (base64). Thread-safe.
 */
final class Passwords {

    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    private final SecureRandom random;
    private final int iterations;
    /** Verified when a username is unknown, so a wrong name costs as much time as a wrong password. */
    private final String decoy;

    Passwords(SecureRandom random, int iterations) {
        this.random = random;
        this.iterations = iterations;
        this.decoy = hash("decoy password for unknown users");
    }

    String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /**
     * A slow digest of (username, password) that every node computes alike, its salt derived from
     * the username rather than random: it lets a registration's idempotency fingerprint tell two
     * passwords apart without putting a fast hash of the password into the log, and costs as much
     * to attack as the stored hash.
     */
    byte[] fingerprint(String username, String password) {
        byte[] salt = sha256(("raftchat registration fingerprint\0" + username).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return derive(password, salt, iterations);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK 17 provides SHA-256", e);
        }
    }

    /** Whether the password matches the stored hash; a null hash (unknown user) never matches but costs the same. */
    boolean matches(String password, String storedHash) {
        String[] parts = (storedHash == null ? decoy : storedHash).split("\\$");
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalStateException("stored password hash has an unknown format");
        }
        Base64.Decoder b64 = Base64.getDecoder();
        byte[] expected = b64.decode(parts[3]);
        byte[] actual = derive(password, b64.decode(parts[2]), Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected, actual) && storedHash != null;
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        KeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK 17 provides " + ALGORITHM, e);
        }
    }
}
