package org.raftchat.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a cluster file (YAML) into a {@link ClusterConfig}. Every problem is reported as an
 * {@link InvalidClusterConfigException} whose message names the file and the field path,
 * e.g. {@code cluster.yaml: nodes[1].apiPort: must be an integer in 1..65535, got "abc"}.
 *
 * <p>Relative data directories are resolved against the directory that holds the file, so a
 * cluster file and its data can move together.
 */
public final class ClusterConfigLoader {

    private static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Pattern GROUP_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Set<String> TOP_FIELDS = Set.of("group", "electionTimeoutMs", "snapshotIntervalSecs",
            "snapshotLogIndexMargin", "initialMembers", "adminTokenFile", "nodes", "limits", "raft", "tls",
            "sessions");
    private static final Set<String> SESSION_FIELDS = Set.of("idleTimeoutSecs", "maxLifetimeSecs", "maxPerUser");
    private static final Set<String> TLS_FIELDS = Set.of("certChain", "privateKey", "clientCa", "caCert");
    private static final Set<String> RAFT_FIELDS = Set.of(
            "applyBatch", "maxAppendBufferBytes", "maxEntriesPerRpc", "maxInflightRpcs", "replicatorPipeline", "readMode", "maxCommandsPerEntry",
            "groupLingerMs");
    private static final Set<String> NODE_FIELDS = Set.of("id", "host", "raftPort", "apiPort", "metricsPort", "dataDir");
    private static final Set<String> LIMIT_FIELDS = Set.of(
            "maxMessageBytes", "maxNameLength", "maxIdempotencyKeyLength", "maxHistoryPage", "defaultHistoryPage",
            "maxInboundGrpcBytes", "maxPendingProposals", "maxSubscriptionsPerNode", "maxRoomsPerUser", "maxMembersPerRoom",
            "maxRequestsPerSecondPerSession", "maxDescriptionLength", "presenceTimeoutMs",
            "idempotencyWindowMs", "loginThrottling", "maxSubscriptionsPerSession", "maxSubscriptionsPerUser",
            "maxUnauthenticatedCallsPerSecondPerAddress");
    private static final Set<String> LOGIN_THROTTLING_FIELDS = Set.of("freeFailuresPerUser", "freeFailuresPerAddress",
            "baseLockoutMs", "maxLockoutMs", "forgetAfterMs", "maxRecords");

    private ClusterConfigLoader() {
    }

    /**
     * Every field a cluster file may hold, as paths: {@code group}, {@code nodes[].apiPort},
     * {@code limits.maxMessageBytes}, ... (docs/cluster-file.md must show each; a test checks it).
     */
    public static java.util.SortedSet<String> knownFields() {
        java.util.SortedSet<String> all = new java.util.TreeSet<>(TOP_FIELDS);
        NODE_FIELDS.forEach(f -> all.add("nodes[]." + f));
        LIMIT_FIELDS.forEach(f -> all.add("limits." + f));
        LOGIN_THROTTLING_FIELDS.forEach(f -> all.add("limits.loginThrottling." + f));
        SESSION_FIELDS.forEach(f -> all.add("sessions." + f));
        RAFT_FIELDS.forEach(f -> all.add("raft." + f));
        TLS_FIELDS.forEach(f -> all.add("tls." + f));
        return all;
    }

    public static ClusterConfig load(Path file) throws InvalidClusterConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidClusterConfigException(file + ": cannot read the cluster file: " + e.getMessage(), e);
        }
        Path baseDir = file.toAbsolutePath().getParent();
        try {
            return parse(text, baseDir);
        } catch (InvalidClusterConfigException e) {
            throw new InvalidClusterConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses cluster-file text; relative data dirs resolve against {@code baseDir}. */
    public static ClusterConfig parse(String yaml, Path baseDir) throws InvalidClusterConfigException {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JacksonException e) {
            throw new InvalidClusterConfigException("not valid YAML: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidClusterConfigException("the file must be a YAML mapping with at least a 'nodes' list");
        }
        try {
            requireKnownFields(root, TOP_FIELDS, "");
            String group = string(root, "group", "", Defaults.GROUP_ID);
            requireMatches(group, GROUP_ID, "group");
            Duration electionTimeout = Duration.ofMillis(
                    integer(root, "electionTimeoutMs", "", (int) Defaults.ELECTION_TIMEOUT.toMillis(), 100, 60_000));
            Duration snapshotInterval = Duration.ofSeconds(
                    integer(root, "snapshotIntervalSecs", "", (int) Defaults.SNAPSHOT_INTERVAL.toSeconds(), 1, 7 * 24 * 3600));
            int snapshotLogIndexMargin = integer(root, "snapshotLogIndexMargin", "", Defaults.SNAPSHOT_LOG_INDEX_MARGIN,
                    0, Integer.MAX_VALUE);
            List<NodeSpec> nodes = nodes(root.get("nodes"), baseDir);
            Limits limits = limits(root.get("limits"));
            List<String> initialMembers = initialMembers(root.get("initialMembers"), nodes);
            Optional<Path> adminTokenFile = root.hasNonNull("adminTokenFile")
                    ? Optional.of(baseDir.resolve(string(root, "adminTokenFile", "", null)).normalize())
                    : Optional.empty();
            return new ClusterConfig(group, nodes, electionTimeout, snapshotInterval, limits, raft(root.get("raft")),
                    initialMembers, snapshotLogIndexMargin, adminTokenFile, tls(root.get("tls"), baseDir), sessions(root.get("sessions")));
        } catch (IllegalArgumentException e) {
            throw new InvalidClusterConfigException(e.getMessage(), e);
        }
    }

    private static List<NodeSpec> nodes(JsonNode list, Path baseDir) {
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("nodes: required, a non-empty list of nodes");
        }
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "nodes[" + i + "].";
            JsonNode n = list.get(i);
            if (!n.isObject()) {
                throw new IllegalArgumentException("nodes[" + i + "]: must be a mapping with id, host, raftPort, apiPort");
            }
            requireKnownFields(n, NODE_FIELDS, at);
            String id = string(n, "id", at, null);
            requireMatches(id, NODE_ID, at + "id");
            String host = string(n, "host", at, null);
            int raftPort = integer(n, "raftPort", at, null, 1, 65_535);
            int apiPort = integer(n, "apiPort", at, null, 1, 65_535);
            if (raftPort == apiPort) {
                throw new IllegalArgumentException(at + "apiPort: must differ from raftPort (" + raftPort + ")");
            }
            int metricsPort = integer(n, "metricsPort", at, Defaults.metricsPort(apiPort), 1, 65_535);
            if (metricsPort == raftPort || metricsPort == apiPort) {
                throw new IllegalArgumentException(at + "metricsPort: must differ from raftPort and apiPort (" + metricsPort + ")");
            }
            Path dataDir = baseDir.resolve(string(n, "dataDir", at, "data/" + id)).normalize();
            nodes.add(new NodeSpec(id, host, raftPort, apiPort, metricsPort, dataDir));
        }
        return nodes;
    }

    /** Default: every node of the file. */
    private static List<String> initialMembers(JsonNode list, List<NodeSpec> nodes) {
        if (list == null || list.isNull()) {
            return nodes.stream().map(NodeSpec::id).toList();
        }
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("initialMembers: must be a non-empty list of node ids");
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isTextual()) {
                throw new IllegalArgumentException("initialMembers[" + i + "]: must be a node id, got " + list.get(i));
            }
            ids.add(list.get(i).asText());
        }
        return ids;
    }

    private static Limits limits(JsonNode node) {
        Limits d = Limits.defaults();
        if (node == null || node.isNull()) {
            return d;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("limits: must be a mapping");
        }
        String at = "limits.";
        requireKnownFields(node, LIMIT_FIELDS, at);
        int max = Integer.MAX_VALUE;
        return new Limits(
                integer(node, "maxMessageBytes", at, d.maxMessageBytes(), 1, 1 << 20),
                integer(node, "maxNameLength", at, d.maxNameLength(), 1, 256),
                integer(node, "maxIdempotencyKeyLength", at, d.maxIdempotencyKeyLength(), 8, 256),
                integer(node, "maxHistoryPage", at, d.maxHistoryPage(), 1, 10_000),
                integer(node, "defaultHistoryPage", at, d.defaultHistoryPage(), 1, 10_000),
                integer(node, "maxInboundGrpcBytes", at, d.maxInboundGrpcBytes(), 1024, 64 << 20),
                integer(node, "maxPendingProposals", at, d.maxPendingProposals(), 1, max),
                integer(node, "maxSubscriptionsPerNode", at, d.maxSubscriptionsPerNode(), 1, max),
                integer(node, "maxRoomsPerUser", at, d.maxRoomsPerUser(), 1, 100_000),
                integer(node, "maxMembersPerRoom", at, d.maxMembersPerRoom(), 1, 1_000_000),
                integer(node, "maxRequestsPerSecondPerSession", at, d.maxRequestsPerSecondPerSession(), 1, 1_000_000),
                integer(node, "maxDescriptionLength", at, d.maxDescriptionLength(), 1, 4096),
                integer(node, "presenceTimeoutMs", at, d.presenceTimeoutMs(), 600, 3_600_000),
                integer(node, "idempotencyWindowMs", at, d.idempotencyWindowMs(), 1_000, Defaults.MAX_IDEMPOTENCY_WINDOW_MS),
                loginThrottling(node.get("loginThrottling"), d.loginThrottling()),
                integer(node, "maxSubscriptionsPerSession", at, d.maxSubscriptionsPerSession(), 1, max),
                integer(node, "maxSubscriptionsPerUser", at, d.maxSubscriptionsPerUser(), 1, max),
                integer(node, "maxUnauthenticatedCallsPerSecondPerAddress", at, d.maxUnauthenticatedCallsPerSecondPerAddress(),
                        1, 1_000_000));
    }

    private static LoginThrottling loginThrottling(JsonNode node, LoginThrottling d) {
        if (node == null || node.isNull()) {
            return d;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("limits.loginThrottling: must be a mapping");
        }
        String at = "limits.loginThrottling.";
        requireKnownFields(node, LOGIN_THROTTLING_FIELDS, at);
        int day = 86_400_000;
        return new LoginThrottling(
                integer(node, "freeFailuresPerUser", at, d.freeFailuresPerUser(), 1, 1_000),
                integer(node, "freeFailuresPerAddress", at, d.freeFailuresPerAddress(), 1, 100_000),
                Duration.ofMillis(integer(node, "baseLockoutMs", at, Math.toIntExact(d.baseLockout().toMillis()), 1, day)),
                Duration.ofMillis(integer(node, "maxLockoutMs", at, Math.toIntExact(d.maxLockout().toMillis()), 1, day)),
                Duration.ofMillis(integer(node, "forgetAfterMs", at, Math.toIntExact(d.forgetAfter().toMillis()), 1, 7 * day)),
                integer(node, "maxRecords", at, d.maxRecords(), 2, 10_000_000));
    }

    private static SessionPolicy sessions(JsonNode node) {
        SessionPolicy d = SessionPolicy.defaults();
        if (node == null || node.isNull()) {
            return d;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("sessions: must be a mapping");
        }
        String at = "sessions.";
        requireKnownFields(node, SESSION_FIELDS, at);
        int maxSecs = 366 * 24 * 3600;
        return new SessionPolicy(
                Duration.ofSeconds(integer(node, "idleTimeoutSecs", at, (int) d.idleTimeout().toSeconds(), 1, maxSecs)),
                Duration.ofSeconds(integer(node, "maxLifetimeSecs", at, (int) d.maxLifetime().toSeconds(), 1, maxSecs)),
                integer(node, "maxPerUser", at, d.maxPerUser(), 1, 10_000));
    }

    private static RaftTuning raft(JsonNode node) {
        RaftTuning d = RaftTuning.defaults();
        if (node == null || node.isNull()) {
            return d;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("raft: must be a mapping");
        }
        String at = "raft.";
        requireKnownFields(node, RAFT_FIELDS, at);
        JsonNode pipeline = node.get("replicatorPipeline");
        if (pipeline != null && !pipeline.isBoolean()) {
            throw new IllegalArgumentException("raft.replicatorPipeline: must be true or false, got " + pipeline);
        }
        return new RaftTuning(
                integer(node, "applyBatch", at, d.applyBatch(), 1, 65_536),
                integer(node, "maxAppendBufferBytes", at, d.maxAppendBufferBytes(), 4096, 64 << 20),
                integer(node, "maxEntriesPerRpc", at, d.maxEntriesPerRpc(), 1, 65_536),
                integer(node, "maxInflightRpcs", at, d.maxInflightRpcs(), 1, 65_536),
                pipeline == null ? d.replicatorPipeline() : pipeline.asBoolean(),
                readMode(node.get("readMode"), d.readMode()),
                integer(node, "maxCommandsPerEntry", at, d.maxCommandsPerEntry(), 1, 1024),
                integer(node, "groupLingerMs", at, d.groupLingerMs(), 0, 1000));
    }

    private static ReadMode readMode(JsonNode value, ReadMode defaultMode) {
        if (value == null || value.isNull()) {
            return defaultMode;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("raft.readMode: must be safe or lease, got " + value);
        }
        try {
            return ReadMode.parse(value.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("raft.readMode: " + e.getMessage());
        }
    }

    private static Optional<TlsConfig> tls(JsonNode node, Path baseDir) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("tls: must be a mapping with certChain and privateKey");
        }
        String at = "tls.";
        requireKnownFields(node, TLS_FIELDS, at);
        return Optional.of(new TlsConfig(
                baseDir.resolve(string(node, "certChain", at, null)).normalize(),
                baseDir.resolve(string(node, "privateKey", at, null)).normalize(),
                optionalPath(node, "clientCa", at, baseDir),
                optionalPath(node, "caCert", at, baseDir)));
    }

    private static Optional<Path> optionalPath(JsonNode parent, String field, String at, Path baseDir) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        return Optional.of(baseDir.resolve(string(parent, field, at, null)).normalize());
    }

    private static void requireKnownFields(JsonNode node, Set<String> known, String at) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new IllegalArgumentException(at + name + ": unknown field (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String string(JsonNode parent, String field, String at, String fallback) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            if (fallback == null) {
                throw new IllegalArgumentException(at + field + ": required");
            }
            return fallback;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(at + field + ": must be a non-empty string, got " + v);
        }
        return v.asText();
    }

    private static int integer(JsonNode parent, String field, String at, Integer fallback, int min, int max) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            if (fallback == null) {
                throw new IllegalArgumentException(at + field + ": required");
            }
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            throw new IllegalArgumentException(at + field + ": must be an integer in " + min + ".." + max + ", got " + v);
        }
        return v.asInt();
    }

    private static void requireMatches(String value, Pattern pattern, String field) {
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(field + ": '" + value + "' must match " + pattern.pattern());
        }
    }
}
