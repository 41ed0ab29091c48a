package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.createRoom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.testing.ProcessCluster;
import org.raftchat.node.testing.RetryingWriter;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ClusterStatusRequest;
import org.raftchat.proto.v1.ClusterStatusResponse;
import org.raftchat.proto.v1.NodeStatus;
import org.raftchat.proto.v1.NodeStatusRequest;

/** SIGTERM on the leader process: hand-over, drain, clean stop, and a restart on intact data. */
class GracefulShutdownProcessIT {

    private static final Path NODE_JAR = Path.of(System.getProperty("raftchat.node.jar", "target/raft-node.jar"));

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
        cluster = ProcessCluster.start(NODE_JAR, 3, dir);
        String leader = cluster.awaitLeader();
        createRoom(cluster.blockingStub(leader), "lobby");
        Map<String, ChatMessage> acked = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(acked, writing));
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= 50);

        long appliedBeforeStop = cluster.admin(leader).getNodeStatus(NodeStatusRequest.getDefaultInstance()).getAppliedIndex();
        cluster.sigterm(leader);
        String log = Files.readString(cluster.logFile(leader));
        assertThat(log).contains("transferred leadership to").contains("Node " + leader + " stopped");
        String newLeader = cluster.awaitLeader();
        assertThat(newLeader).isNotEqualTo(leader);
        int ackedAtStop = acked.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= ackedAtStop + 50);
        writing.set(false);
        writer.get(60, TimeUnit.SECONDS);

        cluster.startNode(leader);
        long appliedAtRestart = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> cluster.admin(leader).getNodeStatus(NodeStatusRequest.getDefaultInstance()).getAppliedIndex(), a -> true);
        assertThat(appliedAtRestart).as("state kept across the restart").isGreaterThanOrEqualTo(appliedBeforeStop);
        cluster.awaitConverged();

        // Retried: on a loaded machine an election may be under way when the read arrives.
        List<ChatMessage> history = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> allMessages(cluster.blockingStub(cluster.awaitLeader()), "lobby"), h -> true);
        assertThat(history).extracting(ChatMessage::getSeq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, history.size()).boxed().toList());
        assertThat(history).extracting(ChatMessage::getText).doesNotHaveDuplicates();
        assertThat(history).containsAll(acked.values());
        ClusterStatusResponse status = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
                () -> cluster.admin(newLeader).clusterStatus(ClusterStatusRequest.newBuilder().setIncludeDigest(true).build()),
                s -> s.getNodesList().stream().allMatch(NodeStatus::getUp));
        assertThat(status.getNodesList()).extracting(NodeStatus::getStateDigest).containsOnly(status.getNodes(0).getStateDigest());
    }

    private void write(Map<String, ChatMessage> acked, AtomicBoolean writing) {
        RetryingWriter client = new RetryingWriter(cluster);
        int i = 0;
        try {
            while (writing.get()) {
                String text = "m-" + (++i);
                acked.put(text, client.post("lobby", text, "key-" + text, Duration.ofSeconds(30)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
