package org.raftchat.node;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session tokens: a random secret made on the leader, handed to the client once as
 * {@code <secret>.<applied index>}; the log and the state keep only the secret's SHA-256, so a copy of
 * the data cannot be replayed as a login. The index is the leader's applied index when it answered
 * the login, so at or past the session's own entry: any replica that has applied that far knows the
 * session if it lives (see {@link Authenticator}). It is a hint, not a secret: it is covered by
 * nothing, and a wrong one only costs its sender a read barrier or a refusal. Thread-safe.
 */
final class SessionTokens {

    private static final char INDEX_SEPARATOR = '.';

    private final SecureRandom random;
    private final int tokenBytes;

    SessionTokens(SecureRandom random, int tokenBytes) {
        this.random = random;
        this.tokenBytes = tokenBytes;
    }

    /** A new random secret (base64url). */
    String newSecret() {
        byte[] bytes = new byte[tokenBytes];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A token without an index (issued before tokens carried one) gives {@link Presented#NO_INDEX}. */
    record Presented(String secret, long appliedIndex) {
        static final long NO_INDEX = -1;
    }

    /** The token as handed to the client. */
    static String issue(String secret, long appliedIndex) {
        return secret + INDEX_SEPARATOR + appliedIndex;
    }

    /** Splits a well-formed token (see {@link AuthInterceptor}) into its secret and index. */
    static Presented parse(String token) {
        int dot = token.indexOf(INDEX_SEPARATOR);
        if (dot < 0) {
            return new Presented(token, Presented.NO_INDEX);
        }
        try {
            return new Presented(token.substring(0, dot), Long.parseLong(token.substring(dot + 1)));
        } catch (NumberFormatException e) {
            return new Presented(token.substring(0, dot), Presented.NO_INDEX);
        }
    }

    static byte[] sha256(String token) {
        return Sha256.newDigest().digest(token.getBytes(StandardCharsets.US_ASCII));
    }
}
