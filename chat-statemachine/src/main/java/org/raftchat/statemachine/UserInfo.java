package org.raftchat.statemachine;

import java.util.Objects;

/** An account as stored. {@code passwordHash} is the leader-computed salted hash, never a password. */
public record UserInfo(String username, String nickname, String passwordHash) {

    public UserInfo {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(nickname, "nickname");
        Objects.requireNonNull(passwordHash, "passwordHash");
    }
}
