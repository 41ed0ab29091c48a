package org.raftchat.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One member of the cluster: where its Raft (Bolt) traffic, its client gRPC API and its
 * Prometheus metrics endpoint listen, and where it keeps its data.
 */
public record NodeSpec(String id, String host, int raftPort, int apiPort, int metricsPort, Path dataDir) {

    public NodeSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        if (metricsPort < 1 || metricsPort > 65_535) {
            throw new IllegalArgumentException("metricsPort: must be in 1..65535, got " + metricsPort
                    + " (the default is apiPort + " + Defaults.METRICS_PORT_OFFSET + "; set metricsPort explicitly)");
        }
    }

    /** A node whose metrics port is the default one for its API port. */
    public NodeSpec(String id, String host, int raftPort, int apiPort, Path dataDir) {
        this(id, host, raftPort, apiPort, Defaults.metricsPort(apiPort), dataDir);
    }

    /** host:port of SOFAJRaft's Bolt endpoint; this is also the node's Raft peer id. */
    public String raftAddress() {
        return host + ":" + raftPort;
    }

    /** host:port of the client gRPC API. */
    public String apiAddress() {
        return host + ":" + apiPort;
    }

    /** host:port of the Prometheus endpoint ({@code GET /metrics}). */
    public String metricsAddress() {
        return host + ":" + metricsPort;
    }
}
