package org.raftchat.node;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session tokens: random on the leader, handed to the client once; the log and the state keep only
 * their SHA-256, so a copy of the data cannot be replayed as a login. Thread-safe.
 */
final class SessionTokens {

    private final SecureRandom random;
    private final int tokenBytes;

    SessionTokens(SecureRandom random, int tokenBytes) {
        this.random = random;
        this.tokenBytes = tokenBytes;
    }

    String newToken() {
        byte[] bytes = new byte[tokenBytes];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
