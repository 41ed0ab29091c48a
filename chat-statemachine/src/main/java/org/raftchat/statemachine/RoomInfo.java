package org.raftchat.statemachine;

import java.util.Objects;

/** A room as stored: who created it, when (leader-stamped, monotonic) and at which log index. */
public record RoomInfo(String name, String creator, long createdAtMs, long createdLogIndex) {

    public RoomInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(creator, "creator");
    }
}
