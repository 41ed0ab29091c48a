package org.raftchat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigLoaderTest {

    private static final String THREE_NODES = """
            group: chat
            electionTimeoutMs: 800
            nodes:
              - {id: n1, host: 127.0.0.1, raftPort: 7101, apiPort: 9101}
              - {id: n2, host: 127.0.0.1, raftPort: 7102, apiPort: 9102, dataDir: /var/lib/raftchat/n2}
              - {id: n3, host: 127.0.0.1, raftPort: 7103, apiPort: 9103}
            limits:
              maxMessageBytes: 2048
            """;

    @TempDir
    Path dir;

    @Test
    void readsAValidFileWithDefaultsFilledIn() throws Exception {
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, THREE_NODES);

        ClusterConfig config = ClusterConfigLoader.load(file);

        assertThat(config.groupId()).isEqualTo("chat");
        assertThat(config.electionTimeout()).isEqualTo(Duration.ofMillis(800));
        assertThat(config.snapshotInterval()).isEqualTo(Defaults.SNAPSHOT_INTERVAL);
        assertThat(config.nodes()).extracting(NodeSpec::id).containsExactly("n1", "n2", "n3");
        assertThat(config.node("n1").orElseThrow().dataDir()).isEqualTo(dir.toAbsolutePath().resolve("data/n1"));
        assertThat(config.node("n2").orElseThrow().dataDir()).isEqualTo(Path.of("/var/lib/raftchat/n2"));
        assertThat(config.initialRaftConfiguration()).isEqualTo("127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103");
        assertThat(config.nodeByRaftAddress("127.0.0.1:7102")).map(NodeSpec::apiAddress).contains("127.0.0.1:9102");
        assertThat(config.limits().maxMessageBytes()).isEqualTo(2048);
        assertThat(config.limits().maxNameLength()).isEqualTo(Defaults.MAX_NAME_LENGTH);
    }

    @Test
    void readsTheSessionPolicyWithDefaultsForWhatIsLeftOut() throws Exception {
        // Goal: session lifetimes and the cap come from the file, defaulting to 7 days / 30 days / 20.
        assertThat(ClusterConfigLoader.parse(THREE_NODES, dir).sessions()).isEqualTo(SessionPolicy.defaults());
        assertThat(SessionPolicy.defaults()).isEqualTo(new SessionPolicy(Duration.ofDays(7), Duration.ofDays(30), 20));

        ClusterConfig config = ClusterConfigLoader.parse(THREE_NODES + "sessions: {idleTimeoutSecs: 60, maxPerUser: 3}\n", dir);

        assertThat(config.sessions()).isEqualTo(new SessionPolicy(Duration.ofSeconds(60), Duration.ofDays(30), 3));
        assertThat(config.sessions().expiryCheckInterval()).isEqualTo(Duration.ofSeconds(6));
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES + "sessions: {maxPerUser: 0}\n", dir))
                .hasMessageContaining("sessions.maxPerUser");
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES + "sessions: {idleSecs: 5}\n", dir))
                .hasMessageStartingWith("sessions.idleSecs: unknown field");
    }

    @Test
    void namesTheFieldOfABadPort() {
        String yaml = THREE_NODES.replace("apiPort: 9102", "apiPort: abc");
        assertThatThrownBy(() -> ClusterConfigLoader.parse(yaml, dir))
                .isInstanceOf(InvalidClusterConfigException.class)
                .hasMessageContaining("nodes[1].apiPort")
                .hasMessageContaining("1..65535");
    }

    @Test
    void namesAMissingField() {
        String yaml = THREE_NODES.replace("host: 127.0.0.1, raftPort: 7103", "raftPort: 7103");
        assertThatThrownBy(() -> ClusterConfigLoader.parse(yaml, dir)).hasMessage("nodes[2].host: required");
    }

    @Test
    void rejectsUnknownFieldsSoTyposAreNotSilentlyIgnored() {
        String yaml = THREE_NODES.replace("electionTimeoutMs", "electionTimeout");
        assertThatThrownBy(() -> ClusterConfigLoader.parse(yaml, dir)).hasMessageStartingWith("electionTimeout: unknown field");
    }

    @Test
    void rejectsDuplicateIdsAndPorts() {
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES.replace("id: n3", "id: n1"), dir))
                .hasMessageContaining("nodes[2].id: 'n1' is used by another node");
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES.replace("raftPort: 7103", "raftPort: 7101"), dir))
                .hasMessageContaining("nodes[2].raftPort");
    }

    @Test
    void rejectsAnEmptyOrNonYamlFile() {
        assertThatThrownBy(() -> ClusterConfigLoader.parse("", dir)).isInstanceOf(InvalidClusterConfigException.class);
        assertThatThrownBy(() -> ClusterConfigLoader.parse("nodes: [", dir)).hasMessageStartingWith("not valid YAML");
        assertThatThrownBy(() -> ClusterConfigLoader.parse("nodes: []", dir)).hasMessageStartingWith("nodes: required");
    }

    @Test
    void rejectsOutOfRangeTimeoutAndLimits() {
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES.replace("800", "5"), dir))
                .hasMessageContaining("electionTimeoutMs: must be an integer in 100..60000, got 5");
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES.replace("maxMessageBytes: 2048", "maxMessageBytes: 0"), dir))
                .hasMessageContaining("limits.maxMessageBytes");
    }

    @Test
    void subscriptionCapsPerSessionAndUserHaveDefaultsAndMustNest() throws Exception {
        // Goal: the per-session and per-user stream caps are settings with defaults; a session cap above the
        // user cap (which it could never reach) is refused by name.
        Limits defaults = ClusterConfigLoader.parse(THREE_NODES, dir).limits();
        assertThat(defaults.maxSubscriptionsPerSession()).isEqualTo(Defaults.MAX_SUBSCRIPTIONS_PER_SESSION);
        assertThat(defaults.maxSubscriptionsPerUser()).isEqualTo(Defaults.MAX_SUBSCRIPTIONS_PER_USER);
        String set = THREE_NODES.replace("maxMessageBytes: 2048", "maxSubscriptionsPerSession: 4\n  maxSubscriptionsPerUser: 8");
        Limits tuned = ClusterConfigLoader.parse(set, dir).limits();
        assertThat(tuned.maxSubscriptionsPerSession()).isEqualTo(4);
        assertThat(tuned.maxSubscriptionsPerUser()).isEqualTo(8);
        assertThatThrownBy(() -> ClusterConfigLoader.parse(set.replace("PerUser: 8", "PerUser: 3"), dir))
                .hasMessageContaining("limits.maxSubscriptionsPerSession: must not exceed maxSubscriptionsPerUser (3)");
    }

    @Test
    void idempotencyWindowDefaultsToADayAndIsBounded() throws Exception {
        // Goal: the window is a setting with its default here, and a window too short or too long is refused.
        assertThat(ClusterConfigLoader.parse(THREE_NODES, dir).limits().idempotencyWindowMs()).isEqualTo(24 * 60 * 60 * 1000);
        String set = THREE_NODES.replace("maxMessageBytes: 2048", "idempotencyWindowMs: 3600000");
        assertThat(ClusterConfigLoader.parse(set, dir).limits().idempotencyWindowMs()).isEqualTo(3_600_000);
        assertThatThrownBy(() -> ClusterConfigLoader.parse(set.replace("3600000", "999"), dir))
                .hasMessageContaining("limits.idempotencyWindowMs: must be an integer in 1000..604800000, got 999");
    }

    @Test
    void readsTheLoginThrottleAndRefusesALockoutThatOutlivesItsRecord() throws Exception {
        // Goal: limits.loginThrottling is read field by field over the defaults; inconsistent values are refused by name.
        ClusterConfig tuned = ClusterConfigLoader.parse(THREE_NODES
                + "  loginThrottling: {freeFailuresPerUser: 3, baseLockoutMs: 2000, maxLockoutMs: 60000}\n", dir);
        LoginThrottling throttling = tuned.limits().loginThrottling();
        assertThat(throttling.freeFailuresPerUser()).isEqualTo(3);
        assertThat(throttling.freeFailuresPerAddress()).isEqualTo(Defaults.LOGIN_FREE_FAILURES_PER_ADDRESS);
        assertThat(throttling.baseLockout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttling.maxLockout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(throttling.forgetAfter()).isEqualTo(Defaults.LOGIN_FAILURES_FORGET_AFTER);
        assertThat(ClusterConfigLoader.parse(THREE_NODES, dir).limits().loginThrottling()).isEqualTo(LoginThrottling.defaults());
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES + "  loginThrottling: {forgetAfterMs: 1000}\n", dir))
                .hasMessageContaining("limits.loginThrottling.forgetAfterMs: must exceed maxLockoutMs");
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES + "  loginThrottling: {freeFailuresPerAddress: 2}\n", dir))
                .hasMessageContaining("limits.loginThrottling.freeFailuresPerAddress: must be >= 5");
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES + "  loginThrottling: {lockout: 1}\n", dir))
                .hasMessageContaining("limits.loginThrottling.lockout");
    }

    @Test
    void readsRaftTuningAndNamesItsBadFields() throws Exception {
        ClusterConfig tuned = ClusterConfigLoader.parse(THREE_NODES + "raft: {applyBatch: 128, replicatorPipeline: false}\n", dir);
        assertThat(tuned.raft().applyBatch()).isEqualTo(128);
        assertThat(tuned.raft().replicatorPipeline()).isFalse();
        assertThat(tuned.raft().maxInflightRpcs()).isEqualTo(Defaults.RAFT_MAX_INFLIGHT_RPCS);
        assertThat(tuned.raft().readMode()).isEqualTo(ReadMode.SAFE);
        assertThat(ClusterConfigLoader.parse(THREE_NODES + "raft: {readMode: Lease}\n", dir).raft().readMode()).isEqualTo(ReadMode.LEASE);
        assertThat(ClusterConfigLoader.parse(THREE_NODES, dir).raft()).isEqualTo(RaftTuning.defaults());

        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES + "raft: {sync: false}\n", dir))
                .hasMessageStartingWith("raft.sync: unknown field");
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES + "raft: {applyBatch: 0}\n", dir))
                .hasMessageContaining("raft.applyBatch: must be an integer in 1..65536");
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES + "raft: {readMode: fast}\n", dir))
                .hasMessageContaining("raft.readMode: must be safe or lease, got \"fast\"");
    }

    @Test
    void readsTheBudgetOfCallsWithoutASessionPerAddress() throws Exception {
        assertThat(ClusterConfigLoader.parse(THREE_NODES, dir).limits().maxUnauthenticatedCallsPerSecondPerAddress())
                .isEqualTo(Defaults.MAX_UNAUTHENTICATED_CALLS_PER_SECOND_PER_ADDRESS);
        assertThat(ClusterConfigLoader.parse(THREE_NODES + "limits: {maxUnauthenticatedCallsPerSecondPerAddress: 7}\n", dir)
                .limits().maxUnauthenticatedCallsPerSecondPerAddress()).isEqualTo(7);
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES + "limits: {maxUnauthenticatedCallsPerSecondPerAddress: 0}\n", dir))
                .hasMessageContaining("limits.maxUnauthenticatedCallsPerSecondPerAddress");
    }

    @Test
    void reportsTheFileNameWhenLoading() throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "nodes: 3");
        assertThatThrownBy(() -> ClusterConfigLoader.load(file)).hasMessageStartingWith(file + ": nodes:");
        assertThatThrownBy(() -> ClusterConfigLoader.load(dir.resolve("missing.yaml"))).hasMessageContaining("cannot read the cluster file");
    }

    @Test
    void metricsPortDefaultsToApiPortPlusTheOffsetAndCanBeSet() throws Exception {
        String yaml = THREE_NODES.replace("apiPort: 9103}", "apiPort: 9103, metricsPort: 9300}");

        ClusterConfig config = ClusterConfigLoader.parse(yaml, dir);

        assertThat(config.node("n1").orElseThrow().metricsPort()).isEqualTo(9101 + Defaults.METRICS_PORT_OFFSET);
        assertThat(config.node("n3").orElseThrow().metricsAddress()).isEqualTo("127.0.0.1:9300");
    }

    @Test
    void refusesAMetricsPortThatCollidesWithAnotherEndpoint() {
        String yaml = THREE_NODES.replace("apiPort: 9103}", "apiPort: 9103, metricsPort: 9102}");
        assertThatThrownBy(() -> ClusterConfigLoader.parse(yaml, dir))
                .hasMessageContaining("nodes[2].metricsPort")
                .hasMessageContaining("127.0.0.1:9102");
    }

    @Test
    void readsTlsWithPerNodePathsRelativeToTheFile() throws Exception {
        String yaml = THREE_NODES + """
                tls:
                  certChain: tls/{id}.crt
                  privateKey: tls/{id}.key
                  caCert: tls/ca.crt
                """;

        TlsConfig tls = ClusterConfigLoader.parse(yaml, dir).tls().orElseThrow();

        assertThat(tls.certChainOf("n2")).isEqualTo(dir.resolve("tls/n2.crt"));
        assertThat(tls.privateKeyOf("n2")).isEqualTo(dir.resolve("tls/n2.key"));
        assertThat(tls.caCert()).contains(dir.resolve("tls/ca.crt"));
        assertThat(tls.clientCa()).isEmpty();
    }

    @Test
    void tlsNeedsAKeyAndKnowsItsFields() {
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES + "tls: {certChain: a.crt}\n", dir))
                .hasMessage("tls.privateKey: required");
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES + "tls: {certChain: a.crt, privateKey: a.key, ca: x}\n", dir))
                .hasMessageStartingWith("tls.ca: unknown field");
    }

    @Test
    void withoutATlsSectionThereIsNoTls() throws Exception {
        assertThat(ClusterConfigLoader.parse(THREE_NODES, dir).tls()).isEmpty();
    }

    @Test
    void readsOperationsFields() throws Exception {
        // Goal: snapshot margin, initial members and the admin token file are read; the token file resolves
        // against the cluster file's directory; nodes outside initialMembers are not in the initial configuration.
        String yaml = THREE_NODES + """
                snapshotIntervalSecs: 30
                snapshotLogIndexMargin: 500
                initialMembers: [n1, n3]
                adminTokenFile: secrets/admin.token
                """;
        ClusterConfig config = ClusterConfigLoader.parse(yaml, dir);

        assertThat(config.snapshotInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.snapshotLogIndexMargin()).isEqualTo(500);
        assertThat(config.initialMembers()).containsExactly("n1", "n3");
        assertThat(config.isInitialMember("n2")).isFalse();
        assertThat(config.initialRaftConfiguration()).isEqualTo("127.0.0.1:7101,127.0.0.1:7103");
        assertThat(config.adminTokenFile()).contains(dir.resolve("secrets/admin.token"));
    }

    @Test
    void defaultsForOperationsFields() throws Exception {
        ClusterConfig config = ClusterConfigLoader.parse(THREE_NODES, dir);
        assertThat(config.snapshotLogIndexMargin()).isEqualTo(Defaults.SNAPSHOT_LOG_INDEX_MARGIN);
        assertThat(config.initialMembers()).containsExactly("n1", "n2", "n3");
        assertThat(config.adminTokenFile()).isEmpty();
    }

    @Test
    void refusesAnInitialMemberThatIsNotANode() {
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES + "initialMembers: [n1, n7]\n", dir))
                .hasMessage("initialMembers: 'n7' is not a node of the file");
        assertThatThrownBy(() -> ClusterConfigLoader.parse(THREE_NODES + "snapshotLogIndexMargin: -1\n", dir))
                .hasMessageContaining("snapshotLogIndexMargin");
    }

    @Test
    void adminTokensAreReadTrimmedComparedAndNeverPrinted() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "0123456789abcdef-secret\n");
        AdminToken token = AdminToken.read(file);

        assertThat(token.matches("0123456789abcdef-secret")).isTrue();
        assertThat(token.matches("0123456789abcdef-secreT")).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.matches(null)).isFalse();
        assertThat(token.toString()).doesNotContain("secret");
        Files.writeString(file, "short");
        assertThatThrownBy(() -> AdminToken.read(file)).isInstanceOf(InvalidClusterConfigException.class)
                .hasMessageContaining("at least 16");
    }
}
