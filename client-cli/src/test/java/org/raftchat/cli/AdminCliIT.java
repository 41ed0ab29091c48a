package org.raftchat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.RaftChatNode;
import org.raftchat.node.testing.TestCluster;
import picocli.CommandLine;

/** {@code raftchat admin ...} against a real 3-node cluster. */
class AdminCliIT {

    @TempDir
    Path dataRoot;
    TestCluster cluster;
    String allNodes;
    Path tokenFile;
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void startCluster() {
        cluster = TestCluster.start(3, dataRoot);
        allNodes = String.join(",", cluster.config().apiAddresses());
        tokenFile = cluster.config().adminTokenFile().orElseThrow();
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void statusShowsEveryNodeAsATableAndAsJson() throws Exception {
        // Goal: one row per node with role and indexes (-o text, the default); -o json carries the same on
        // one line, like every other command; a stopped node shows as down.
        String stopped = cluster.followers().get(0).id();
        cluster.stopNode(stopped);

        assertThat(run(Map.of(), "admin", "status", "--cluster", allNodes, "--admin-token-file", tokenFile.toString())).isZero();
        assertThat(out.toString()).contains("NODE", "ROLE", "APPLIED", "SNAPSHOT", "LAG", "STATE_LEADER", "STATE_FOLLOWER", "down")
                .contains("leader: " + cluster.awaitLeader().id());
        String table = out.toString();
        assertThat(run(Map.of(), "admin", "status", "--cluster", allNodes, "--admin-token-file", tokenFile.toString(), "-o", "text"))
                .isZero();
        assertThat(out.toString().lines().findFirst()).isEqualTo(table.lines().findFirst());

        assertThat(run(Map.of(AdminOptions.ENV_TOKEN, cluster.adminToken()), "admin", "status", "--cluster", allNodes, "-o", "json"))
                .isZero();
        assertThat(out.toString().lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.get("leader").asText()).isEqualTo(cluster.awaitLeader().id());
        assertThat(json.get("nodes")).hasSize(3);
        for (JsonNode n : json.get("nodes")) {
            assertThat(n.get("up").asBoolean()).as("node %s up", n.get("id")).isEqualTo(!n.get("id").asText().equals(stopped));
        }
    }

    @Test
    void withoutTheTokenAdminCommandsAreRefused() throws Exception {
        // Goal: no token is a usage error before any call; a wrong token is refused by the node (exit 5).
        assertThat(run(Map.of(), "admin", "status", "--cluster", allNodes)).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("no admin token");

        Path wrong = dataRoot.resolve("wrong.token");
        Files.writeString(wrong, "not-the-right-token-at-all\n");
        assertThat(run(Map.of(), "admin", "remove-node", "n2", "--cluster", allNodes, "--admin-token-file", wrong.toString()))
                .isEqualTo(ExitCodes.AUTH);
        assertThat(err.toString()).contains("admin token is wrong");
        assertThat(cluster.runningNodes()).hasSize(3);
    }

    @Test
    void membershipTransferAndSnapshotThroughTheCli() {
        // Goal: remove and add a node, move leadership, snapshot every node; each prints its outcome.
        Map<String, String> env = Map.of(AdminOptions.ENV_TOKEN_FILE, tokenFile.toString());
        RaftChatNode follower = cluster.followers().get(0);

        assertThat(run(env, "admin", "remove-node", follower.id(), "--cluster", allNodes)).isZero();
        assertThat(out.toString()).contains("removed " + follower.id()).doesNotContain(follower.id() + ",");
        assertThat(run(env, "admin", "add-node", follower.id(), "--cluster", allNodes)).isZero();
        assertThat(out.toString()).contains("members: n1, n2, n3");

        String target = cluster.followers().get(1).id();
        assertThat(run(env, "admin", "transfer-leader", target, "--cluster", allNodes)).isZero();
        assertThat(out.toString()).contains("-> " + target);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cluster.node(target).isLeader());

        cluster.awaitConverged();
        assertThat(run(env, "admin", "snapshot", "--cluster", allNodes)).isZero();
        assertThat(out.toString().lines().filter(l -> l.contains(" ok "))).hasSize(3);
        assertThat(run(env, "admin", "snapshot", "n9", "--cluster", allNodes)).isEqualTo(ExitCodes.NOT_FOUND);
    }

    private int run(Map<String, String> env, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        Map<String, String> isolated = new java.util.HashMap<>(env);
        isolated.put(UserConfig.ENV_CONFIG_DIR, dataRoot.resolve("config").toString());
        CliContext context = new CliContext(ClientFactory.defaults(), isolated, new ByteArrayInputStream(new byte[0]), ZoneOffset.UTC);
        CommandLine cli = RaftChatCli.newCommandLine(new RaftChatCli(context));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
