package org.raftchat.statemachine;

import java.util.Objects;

/**
 * One live session as its user may see it: never the token or its digest, only the short id that
 * names it for a revocation.
 *
 * @param idleExpiresAtMs when it ends unless active again (0: no idle lifetime)
 * @param expiresAtMs     when it ends regardless (0: no absolute lifetime)
 * @param current         it is the session that asked
 */
public record SessionView(String id, String deviceId, long createdAtMs, long lastActiveMs, long idleExpiresAtMs,
                          long expiresAtMs, boolean online, boolean current) {

    public SessionView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(deviceId, "deviceId");
    }
}
