package org.raftchat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.createRoom;
import static org.raftchat.node.testing.Api.post;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.NodeSpec;
import org.raftchat.node.NodeMain;
import org.raftchat.node.RaftChatNode;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.proto.v1.ChatMessage;
import picocli.CommandLine;

/**
 * The disaster drill, on real in-process 3-node clusters: write, back up with
 * {@code raftchat admin backup}, destroy the cluster (every node and its data), restore every node of
 * a new cluster (other ports, other directories) with {@code raftchat-node --restore}, start it,
 * compare state digests and read the messages back.
 */
class BackupRestoreIT {

    @TempDir
    Path temp;
    TestCluster old;
    TestCluster restored;

    @AfterEach
    void stop() {
        if (old != null) {
            old.close();
        }
        if (restored != null) {
            restored.close();
        }
    }

    @Test
    void aBackupRestoresIntoANewClusterWithTheSameStateAndMessages() throws Exception {
        // Goal: everything acknowledged before the backup is in the new cluster, which has the very state
        // (digest) the backup recorded, serves the old messages and accounts, and takes new writes.
        old = TestCluster.start(3, temp.resolve("old"));
        var stub = old.blockingStub(old.awaitLeader().id());
        createRoom(stub, "lobby");
        List<ChatMessage> written = Stream.of("first", "second", "third").map(t -> post(stub, "lobby", t)).toList();
        old.awaitConverged();
        RaftChatNode leader = old.awaitLeader();

        Path backup = temp.resolve("cluster.backup");
        CliRunner cli = new CliRunner(ClientFactory.defaults(), Map.of(
                UserConfig.ENV_CONFIG_DIR, temp.resolve("config").toString(), AdminOptions.ENV_TOKEN, old.adminToken()));
        String oldNodes = String.join(",", old.config().apiAddresses());
        assertThat(cli.run("admin", "backup", backup.toString(), "--cluster", oldNodes, "-o", "json")).as(cli.err()).isZero();
        JsonNode summary = cli.json();
        assertThat(Files.size(backup)).isEqualTo(summary.get("bytes").asLong());
        assertThat(summary.get("appliedIndex").asLong()).isEqualTo(leader.appliedIndex());
        String digest = summary.get("stateDigest").asText();
        assertThat(digest).isEqualTo(HexFormat.of().formatHex(leader.stateDigest()));
        assertThat(cli.run("admin", "backup", backup.toString(), "--cluster", oldNodes)).isEqualTo(ExitCodes.USAGE);

        // The disaster: every node gone, with its data.
        old.close();
        old.config().nodes().forEach(n -> old.wipeNode(n.id()));
        old = null;

        restored = TestCluster.create(3, temp.resolve("new"), c -> c);
        Path clusterFile = writeClusterFile(restored.config(), temp.resolve("new/cluster.yaml"));
        for (NodeSpec n : restored.config().nodes()) {
            StringWriter out = new StringWriter();
            CommandLine node = new CommandLine(new NodeMain());
            node.setOut(new PrintWriter(out, true));
            assertThat(node.execute("--cluster", clusterFile.toString(), "--node", n.id(), "--restore", backup.toString()))
                    .as("restore %s", n.id()).isZero();
        }
        assertThat(new CommandLine(new NodeMain()).execute("--cluster", clusterFile.toString(), "--node", "n1",
                "--restore", backup.toString())).as("a second restore into a used data dir").isEqualTo(2);
        restored.config().nodes().forEach(n -> restored.startNode(n.id()));
        restored.awaitLeader();
        restored.awaitConverged();

        for (RaftChatNode n : restored.runningNodes()) {
            assertThat(n.appliedIndex()).as("applied index of %s", n.id()).isEqualTo(summary.get("appliedIndex").asLong());
            assertThat(HexFormat.of().formatHex(n.stateDigest())).as("state digest of %s", n.id()).isEqualTo(digest);
        }
        // The old account logs in (its password hash came along) and reads the old messages on every node.
        for (NodeSpec n : restored.config().nodes()) {
            assertThat(allMessages(restored.blockingStub(n.id()), "lobby")).containsExactlyElementsOf(written);
        }
        ChatMessage next = post(restored.blockingStub(restored.awaitLeader().id()), "lobby", "after the restore");
        assertThat(next.getSeq()).isEqualTo(written.get(2).getSeq() + 1);
        assertThat(next.getLogIndex()).isGreaterThan(summary.get("appliedIndex").asLong());
    }

    /** The new cluster's file, as an operator would write it for {@code raftchat-node}. */
    private static Path writeClusterFile(ClusterConfig config, Path file) throws IOException {
        String nodes = config.nodes().stream().map(n -> String.format(
                        "  - {id: %s, host: %s, raftPort: %d, apiPort: %d, metricsPort: %d, dataDir: \"%s\"}",
                        n.id(), n.host(), n.raftPort(), n.apiPort(), n.metricsPort(), n.dataDir()))
                .collect(Collectors.joining("\n"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, "group: " + config.groupId() + "\nnodes:\n" + nodes + "\n");
        return file;
    }
}
