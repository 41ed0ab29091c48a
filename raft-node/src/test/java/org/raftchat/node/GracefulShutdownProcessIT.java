package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.createRoom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.testing.BackgroundWriter;
import org.raftchat.node.testing.ProcessCluster;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ClusterStatusRequest;
import org.raftchat.proto.v1.ClusterStatusResponse;
import org.raftchat.proto.v1.NodeStatus;
import org.raftchat.proto.v1.NodeStatusRequest;

/** SIGTERM on the leader process: hand-over, drain, clean stop, and a restart on intact data. */
class GracefulShutdownProcessIT {

    @TempDir
    Path dir;
    ProcessCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void sigtermOnTheLeaderHandsLeadershipOverAndLosesNothing() throws Exception {
        // Goal: the stopping leader transfers leadership (it logs the hand-over; no election timeout is
        // needed), stops cleanly, loses no acknowledged write, and restarts on its own data; afterwards
        // every replica holds the same state.
        cluster = ProcessCluster.start(ProcessCluster.NODE_JAR, 3, dir);
        String leader = cluster.awaitLeader();
        createRoom(cluster.blockingStub(leader), "lobby");
        BackgroundWriter writer = BackgroundWriter.start(cluster, "lobby", 1);
        writer.awaitMoreAcks(50);

        long appliedBeforeStop = cluster.admin(leader).getNodeStatus(NodeStatusRequest.getDefaultInstance()).getAppliedIndex();
        cluster.sigterm(leader);
        String log = Files.readString(cluster.logFile(leader));
        assertThat(log).contains("transferred leadership to").contains("Node " + leader + " stopped");
        String newLeader = cluster.awaitLeader();
        assertThat(newLeader).isNotEqualTo(leader);
        writer.awaitMoreAcks(50);
        writer.stop();

        cluster.startNode(leader);
        long appliedAtRestart = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> cluster.admin(leader).getNodeStatus(NodeStatusRequest.getDefaultInstance()).getAppliedIndex(), a -> true);
        assertThat(appliedAtRestart).as("state kept across the restart").isGreaterThanOrEqualTo(appliedBeforeStop);
        cluster.awaitConverged();

        // Retried: on a loaded machine an election may be under way when the read arrives.
        List<ChatMessage> history = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> allMessages(cluster.blockingStub(cluster.awaitLeader()), "lobby"), h -> true);
        writer.assertHoldsEveryAckOnce(history);
        ClusterStatusResponse status = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
                () -> cluster.admin(newLeader).clusterStatus(ClusterStatusRequest.newBuilder().setIncludeDigest(true).build()),
                s -> s.getNodesList().stream().allMatch(NodeStatus::getUp));
        assertThat(status.getNodesList()).extracting(NodeStatus::getStateDigest).containsOnly(status.getNodes(0).getStateDigest());
    }
}
