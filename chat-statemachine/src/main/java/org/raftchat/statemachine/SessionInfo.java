package org.raftchat.statemachine;

import java.util.Objects;

/** A live session: whose it is and on which device. */
public record SessionInfo(String username, String deviceId) {

    public SessionInfo {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(deviceId, "deviceId");
    }
}
