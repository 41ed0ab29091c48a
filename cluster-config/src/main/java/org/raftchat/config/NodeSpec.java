package org.raftchat.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One member of the cluster: where its Raft (Bolt) traffic and its client gRPC API listen,
 * and where it keeps its data.
 */
public record NodeSpec(String id, String host, int raftPort, int apiPort, Path dataDir) {

    public NodeSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
    }

    /** host:port of SOFAJRaft's Bolt endpoint; this is also the node's Raft peer id. */
    public String raftAddress() {
        return host + ":" + raftPort;
    }

    /** host:port of the client gRPC API. */
    public String apiAddress() {
        return host + ":" + apiPort;
    }
}
