package org.raftchat.statemachine;

import java.util.Objects;

/**
 * A room as stored: its owner (the creator), description, when it was created (leader-stamped,
 * monotonic) and at which log index, how many members it has, whether it is a work queue, and
 * whether only the owner and invited users may join.
 */
public record RoomInfo(String name, String creator, String description, long createdAtMs, long createdLogIndex,
                       int memberCount, boolean queue, boolean inviteOnly) {

    /** A room open to everyone. */
    public RoomInfo(String name, String creator, String description, long createdAtMs, long createdLogIndex,
                    int memberCount, boolean queue) {
        this(name, creator, description, createdAtMs, createdLogIndex, memberCount, queue, false);
    }

    public RoomInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(creator, "creator");
        Objects.requireNonNull(description, "description");
    }
}
