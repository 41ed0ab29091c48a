package org.raftchat.statemachine;

import java.util.HexFormat;
import org.raftchat.proto.v1.StoredSession;

/**
 * When a stored session ends, decided from leader-stamped values only (the lifetimes stamped at
 * login, the last activity, a leader time), so apply and the queries on every replica decide alike.
 */
final class SessionLifetimes {

    /** Bytes of the token digest that make a session id: 48 bits, unique among one user's few sessions. */
    static final int ID_BYTES = 6;

    private SessionLifetimes() {}

    /** Whether the session is past its idle or its absolute lifetime at leader time {@code timeMs}. */
    static boolean expiredAt(StoredSession session, long timeMs) {
        long idleDeadlineMs = idleDeadlineMs(session);
        return (session.getExpiresAtMs() > 0 && timeMs >= session.getExpiresAtMs())
                || (idleDeadlineMs > 0 && timeMs >= idleDeadlineMs);
    }

    /** When the session ends unless it is active again; 0 for no idle lifetime. */
    static long idleDeadlineMs(StoredSession session) {
        if (session.getIdleTimeoutMs() <= 0) {
            return 0;
        }
        long deadline = session.getLastSeenMs() + session.getIdleTimeoutMs();
        return deadline < session.getLastSeenMs() ? Long.MAX_VALUE : deadline;
    }

    /** {@code start + lifetime}, or 0 (no limit) for no lifetime; never overflows. */
    static long deadlineMs(long startMs, long lifetimeMs) {
        if (lifetimeMs <= 0) {
            return 0;
        }
        long deadline = startMs + lifetimeMs;
        return deadline < startMs ? Long.MAX_VALUE : deadline;
    }

    /** The id that names a session to its user: a hex prefix of its token digest (not a credential). */
    static String id(byte[] tokenSha256) {
        return HexFormat.of().formatHex(tokenSha256, 0, Math.min(ID_BYTES, tokenSha256.length));
    }
}
