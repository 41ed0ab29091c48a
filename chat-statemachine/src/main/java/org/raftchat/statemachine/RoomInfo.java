package org.raftchat.statemachine;

import java.util.Objects;

/**
 * A room as stored: its owner (the creator), description, when it was created (leader-stamped,
 * monotonic) and at which log index, how many members it has, and whether it is a work queue.
 */
public record RoomInfo(String name, String creator, String description, long createdAtMs, long createdLogIndex,
                       int memberCount, boolean queue) {

    public RoomInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(creator, "creator");
        Objects.requireNonNull(description, "description");
    }
}
