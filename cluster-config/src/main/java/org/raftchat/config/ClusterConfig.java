package org.raftchat.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A validated cluster definition: every node of one Raft group, its timings and limits.
 * Read it with {@link ClusterConfigLoader}; an instance that exists is valid.
 */
public record ClusterConfig(
        String groupId,
        List<NodeSpec> nodes,
        Duration electionTimeout,
        Duration snapshotInterval,
        Limits limits,
        RaftTuning raft,
        Optional<TlsConfig> tls) {

    public ClusterConfig {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(electionTimeout, "electionTimeout");
        Objects.requireNonNull(snapshotInterval, "snapshotInterval");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(raft, "raft");
        Objects.requireNonNull(tls, "tls");
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("nodes: at least one node is required");
        }
        requireUnique(nodes);
    }

    /** A cluster without TLS. */
    public ClusterConfig(String groupId, List<NodeSpec> nodes, Duration electionTimeout, Duration snapshotInterval, Limits limits,
                         RaftTuning raft) {
        this(groupId, nodes, electionTimeout, snapshotInterval, limits, raft, Optional.empty());
    }

    /** This cluster with TLS on its gRPC servers. */
    public ClusterConfig withTls(TlsConfig tlsConfig) {
        return new ClusterConfig(groupId, nodes, electionTimeout, snapshotInterval, limits, raft, Optional.of(tlsConfig));
    }

    /** A cluster with SOFAJRaft's default tuning. */
    public ClusterConfig(String groupId, List<NodeSpec> nodes, Duration electionTimeout, Duration snapshotInterval, Limits limits) {
        this(groupId, nodes, electionTimeout, snapshotInterval, limits, RaftTuning.defaults());
    }

    public Optional<NodeSpec> node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
    }

    /** The node whose Raft address (SOFAJRaft's peer id, host:port) is the given one. */
    public Optional<NodeSpec> nodeByRaftAddress(String raftAddress) {
        return nodes.stream().filter(n -> n.raftAddress().equals(raftAddress)).findFirst();
    }

    /** The initial Raft configuration, as SOFAJRaft parses it: "host:port,host:port,...". */
    public String initialRaftConfiguration() {
        return nodes.stream().map(NodeSpec::raftAddress).collect(Collectors.joining(","));
    }

    public List<String> apiAddresses() {
        return nodes.stream().map(NodeSpec::apiAddress).toList();
    }

    private static void requireUnique(List<NodeSpec> nodes) {
        Set<String> ids = new HashSet<>();
        Set<String> endpoints = new HashSet<>();
        Set<String> dataDirs = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            NodeSpec n = nodes.get(i);
            String at = "nodes[" + i + "].";
            if (!ids.add(n.id())) {
                throw new IllegalArgumentException(at + "id: '" + n.id() + "' is used by another node");
            }
            if (!endpoints.add(n.raftAddress())) {
                throw new IllegalArgumentException(at + "raftPort: " + n.raftAddress() + " is used by another node");
            }
            if (!endpoints.add(n.apiAddress())) {
                throw new IllegalArgumentException(at + "apiPort: " + n.apiAddress() + " is used by another node");
            }
            if (!endpoints.add(n.metricsAddress())) {
                throw new IllegalArgumentException(at + "metricsPort: " + n.metricsAddress() + " is used by another node or port");
            }
            if (!dataDirs.add(n.dataDir().toAbsolutePath().normalize().toString())) {
                throw new IllegalArgumentException(at + "dataDir: " + n.dataDir() + " is used by another node");
            }
        }
    }
}
