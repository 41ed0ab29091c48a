package org.raftchat.config;

import java.nio.file.Path;
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
 *
 * @param initialMembers         ids of the nodes that form the Raft group when it first starts; the
 *                               other nodes of the file start outside it and join when an operator
 *                               adds them (growing a cluster)
 * @param snapshotLogIndexMargin a timed snapshot is skipped unless at least this many entries were
 *                               applied since the last one (0: always take it)
 * @param adminTokenFile         file holding the admin API's shared secret, if configured here
 * @param tls                    TLS for the client and admin APIs, if configured
 * @param sessions               session lifetimes and the per-user cap
 */
public record ClusterConfig(
        String groupId,
        List<NodeSpec> nodes,
        Duration electionTimeout,
        Duration snapshotInterval,
        Limits limits,
        RaftTuning raft,
        List<String> initialMembers,
        int snapshotLogIndexMargin,
        Optional<Path> adminTokenFile,
        Optional<TlsConfig> tls,
        SessionPolicy sessions) {

    public ClusterConfig {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(electionTimeout, "electionTimeout");
        Objects.requireNonNull(snapshotInterval, "snapshotInterval");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(raft, "raft");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(adminTokenFile, "adminTokenFile");
        Objects.requireNonNull(sessions, "sessions");
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("nodes: at least one node is required");
        }
        requireUnique(nodes);
        initialMembers = List.copyOf(initialMembers);
        requireKnownMembers(initialMembers, nodes);
        if (snapshotLogIndexMargin < 0) {
            throw new IllegalArgumentException("snapshotLogIndexMargin: must be >= 0, got " + snapshotLogIndexMargin);
        }
    }

    /**
     * A cluster whose every node is an initial member, with the default snapshot margin, no admin
     * token file and no TLS.
     */
    public ClusterConfig(String groupId, List<NodeSpec> nodes, Duration electionTimeout, Duration snapshotInterval,
                         Limits limits, RaftTuning raft) {
        this(groupId, nodes, electionTimeout, snapshotInterval, limits, raft,
                nodes.stream().map(NodeSpec::id).toList(), Defaults.SNAPSHOT_LOG_INDEX_MARGIN, Optional.empty(), Optional.empty(),
                SessionPolicy.defaults());
    }

    /** This cluster with TLS on its gRPC servers. */
    public ClusterConfig withTls(TlsConfig tlsConfig) {
        return new ClusterConfig(groupId, nodes, electionTimeout, snapshotInterval, limits, raft, initialMembers,
                snapshotLogIndexMargin, adminTokenFile, Optional.of(tlsConfig), sessions);
    }

    /** A cluster with SOFAJRaft's default tuning. */
    public ClusterConfig(String groupId, List<NodeSpec> nodes, Duration electionTimeout, Duration snapshotInterval, Limits limits) {
        this(groupId, nodes, electionTimeout, snapshotInterval, limits, RaftTuning.defaults());
    }

    /** This config with one node's entry replaced (same id): how node flags override the file. */
    public ClusterConfig withNode(NodeSpec replacement) {
        if (node(replacement.id()).isEmpty()) {
            throw new IllegalArgumentException("node '" + replacement.id() + "' is not in the cluster file");
        }
        List<NodeSpec> replaced = nodes.stream().map(n -> n.id().equals(replacement.id()) ? replacement : n).toList();
        return new ClusterConfig(groupId, replaced, electionTimeout, snapshotInterval, limits, raft, initialMembers,
                snapshotLogIndexMargin, adminTokenFile, tls, sessions);
    }

    public ClusterConfig withAdminTokenFile(Path file) {
        return new ClusterConfig(groupId, nodes, electionTimeout, snapshotInterval, limits, raft, initialMembers,
                snapshotLogIndexMargin, Optional.of(file), tls, sessions);
    }

    public ClusterConfig withSnapshots(Duration interval, int logIndexMargin) {
        return new ClusterConfig(groupId, nodes, electionTimeout, interval, limits, raft, initialMembers,
                logIndexMargin, adminTokenFile, tls, sessions);
    }

    public ClusterConfig withLimits(Limits newLimits) {
        return new ClusterConfig(groupId, nodes, electionTimeout, snapshotInterval, newLimits, raft, initialMembers,
                snapshotLogIndexMargin, adminTokenFile, tls, sessions);
    }

    public ClusterConfig withSessions(SessionPolicy policy) {
        return new ClusterConfig(groupId, nodes, electionTimeout, snapshotInterval, limits, raft, initialMembers,
                snapshotLogIndexMargin, adminTokenFile, tls, policy);
    }

    public ClusterConfig withInitialMembers(List<String> ids) {
        return new ClusterConfig(groupId, nodes, electionTimeout, snapshotInterval, limits, raft, ids,
                snapshotLogIndexMargin, adminTokenFile, tls, sessions);
    }

    public boolean isInitialMember(String nodeId) {
        return initialMembers.contains(nodeId);
    }

    public Optional<NodeSpec> node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
    }

    /** The node whose Raft address (SOFAJRaft's peer id, host:port) is the given one. */
    public Optional<NodeSpec> nodeByRaftAddress(String raftAddress) {
        return nodes.stream().filter(n -> n.raftAddress().equals(raftAddress)).findFirst();
    }

    /** The initial Raft configuration (the initial members), as SOFAJRaft parses it: "host:port,host:port,...". */
    public String initialRaftConfiguration() {
        return nodes.stream().filter(n -> initialMembers.contains(n.id())).map(NodeSpec::raftAddress)
                .collect(Collectors.joining(","));
    }

    public List<String> apiAddresses() {
        return nodes.stream().map(NodeSpec::apiAddress).toList();
    }

    private static void requireKnownMembers(List<String> members, List<NodeSpec> nodes) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("initialMembers: at least one node is required");
        }
        Set<String> seen = new HashSet<>();
        for (String id : members) {
            if (nodes.stream().noneMatch(n -> n.id().equals(id))) {
                throw new IllegalArgumentException("initialMembers: '" + id + "' is not a node of the file");
            }
            if (!seen.add(id)) {
                throw new IllegalArgumentException("initialMembers: '" + id + "' is listed twice");
            }
        }
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
