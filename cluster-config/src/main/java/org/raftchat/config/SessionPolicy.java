package org.raftchat.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How long sessions live and how many a user may hold. The leader stamps these into each login, so a
 * session keeps the policy it was opened under, and apply enforces it in leader time without reading
 * config.
 *
 * @param idleTimeout     a session ends this long after its last activity (login or heartbeat)
 * @param maxLifetime     a session ends this long after its login, however active
 * @param maxPerUser      live sessions one user may hold; a login beyond it ends the user's least
 *                        recently active other session
 */
public record SessionPolicy(Duration idleTimeout, Duration maxLifetime, int maxPerUser) {

    public SessionPolicy {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        if (idleTimeout.toMillis() < 1_000) {
            throw new IllegalArgumentException("sessions.idleTimeoutSecs: must be >= 1 s, got " + idleTimeout);
        }
        if (maxLifetime.toMillis() < 1_000) {
            throw new IllegalArgumentException("sessions.maxLifetimeSecs: must be >= 1 s, got " + maxLifetime);
        }
        if (maxPerUser < 1) {
            throw new IllegalArgumentException("sessions.maxPerUser: must be > 0, got " + maxPerUser);
        }
    }

    public static SessionPolicy defaults() {
        return new SessionPolicy(Defaults.SESSION_IDLE_TIMEOUT, Defaults.SESSION_MAX_LIFETIME, Defaults.MAX_SESSIONS_PER_USER);
    }

    /**
     * How often the leader looks for sessions past a lifetime: a tenth of the shorter lifetime, at
     * least every {@link Defaults#SESSION_EXPIRY_CHECK_MAX} and at most every 100 ms. A session may
     * outlive its lifetime in state by up to this much; authentication already refuses it once the
     * leader time a node has applied is past it.
     */
    public Duration expiryCheckInterval() {
        long tenthMs = Math.min(idleTimeout.toMillis(), maxLifetime.toMillis()) / 10;
        return Duration.ofMillis(Math.max(100, Math.min(tenthMs, Defaults.SESSION_EXPIRY_CHECK_MAX.toMillis())));
    }
}
