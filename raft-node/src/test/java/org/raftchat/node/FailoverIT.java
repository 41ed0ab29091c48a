package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.createRoom;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.node.testing.RetryingWriter;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.proto.v1.ChatMessage;

class FailoverIT {

    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3);

    @Test
    void losingTheLeaderLosesNoAcknowledgedMessageAndTheOldLeaderCatchesUp() throws Exception {
        // Goal: while a client writes, the leader dies; a new leader takes over, writes resume, every
        // acknowledged message is stored exactly once on every replica, and the restarted old leader catches up.
        RaftChatNode oldLeader = cluster.awaitLeader();
        createRoom(cluster.blockingStub(oldLeader.id()), "lobby");
        Map<String, ChatMessage> acked = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        ExecutorService writers = Executors.newFixedThreadPool(2);
        List<Future<?>> running = List.of(writers.submit(() -> write("a", acked, writing, sent)),
                writers.submit(() -> write("b", acked, writing, sent)));

        await().atMost(Duration.ofSeconds(20)).until(() -> acked.size() >= 40);
        cluster.stopNode(oldLeader.id());
        int ackedBeforeFailover = acked.size();
        RaftChatNode newLeader = cluster.awaitLeader();
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= ackedBeforeFailover + 40);
        writing.set(false);
        for (Future<?> f : running) {
            f.get();
        }
        writers.shutdown();

        assertThat(newLeader.id()).isNotEqualTo(oldLeader.id());
        List<ChatMessage> history = allMessages(cluster.blockingStub(newLeader.id()), "lobby");
        assertEveryAcknowledgedMessageStoredOnce(history, acked);
        cluster.startNode(oldLeader.id());
        cluster.awaitConverged();
        for (RaftChatNode node : cluster.runningNodes()) {
            assertThat(allMessages(cluster.blockingStub(node.id()), "lobby")).as("history on %s", node.id()).isEqualTo(history);
            assertThat(node.stateDigest()).as("digest of %s", node.id()).isEqualTo(newLeader.stateDigest());
        }
    }

    private static void assertEveryAcknowledgedMessageStoredOnce(List<ChatMessage> history, Map<String, ChatMessage> acked) {
        assertThat(history).extracting(ChatMessage::getSeq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, history.size()).boxed().toList());
        assertThat(history).extracting(ChatMessage::getText).doesNotHaveDuplicates();
        acked.values().forEach(m -> assertThat(history).as("acknowledged %s", m.getText()).contains(m));
    }

    private Void write(String writer, Map<String, ChatMessage> acked, AtomicBoolean writing, AtomicInteger sent)
            throws InterruptedException {
        RetryingWriter client = new RetryingWriter(cluster);
        while (writing.get()) {
            String text = writer + "-" + sent.incrementAndGet();
            acked.put(text, client.post("lobby", text, "key-" + text, Duration.ofSeconds(30)));
        }
        return null;
    }
}
