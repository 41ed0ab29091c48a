package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.createRoom;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.testing.ProcessCluster;
import org.raftchat.node.testing.RetryingWriter;
import org.raftchat.proto.v1.ChatMessage;

/** The real thing: three node processes on loopback, and SIGKILL for the leader. */
class KillLeaderProcessIT {

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
    void killMinus9OfTheLeaderWhileAClientSendsLosesNoAcknowledgedMessage() throws Exception {
        // Goal: kill -9 the leader process mid-stream; every acknowledged message survives exactly once,
        // and after the killed node restarts, every replica's history equals the leader's.
        cluster = ProcessCluster.start(NODE_JAR, 3, dir);
        String leader = cluster.awaitLeader();
        createRoom(cluster.blockingStub(leader), "lobby");
        Map<String, ChatMessage> acked = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(acked, writing));

        await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= 50);
        cluster.kill9(leader);
        int ackedAtKill = acked.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= ackedAtKill + 50);
        writing.set(false);
        writer.get(60, TimeUnit.SECONDS);
        String newLeader = cluster.awaitLeader();
        cluster.startNode(leader);
        cluster.awaitConverged();

        assertThat(newLeader).isNotEqualTo(leader);
        List<ChatMessage> history = allMessages(cluster.blockingStub(newLeader), "lobby");
        assertThat(history).extracting(ChatMessage::getSeq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, history.size()).boxed().toList());
        assertThat(history).extracting(ChatMessage::getText).doesNotHaveDuplicates();
        acked.values().forEach(m -> assertThat(history).as("acknowledged %s", m.getText()).contains(m));
        for (String id : List.of("n1", "n2", "n3")) {
            assertThat(allMessages(cluster.blockingStub(id), "lobby")).as("history on %s", id).isEqualTo(history);
        }
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
