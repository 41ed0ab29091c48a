package org.raftchat.node;

import java.util.Objects;

/** Who makes a call: the user and device of a live session, and the digest of its token. */
record Caller(String username, String deviceId, byte[] tokenSha256) {

    Caller {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(tokenSha256, "tokenSha256");
    }
}
