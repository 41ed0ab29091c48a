package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.join;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.node.testing.Api;
import org.raftchat.node.testing.RetryingWriter;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;

class ConcurrentPostersIT {

    private static final int MESSAGES_EACH = 40;

    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3);

    @Test
    void twoUsersOnDifferentNodesPostingConcurrentlySeeOneHistoryInOneOrder() throws Exception {
        // Goal: alice (connected to one follower) and bob (to the other) post at the same time; both read the
        // same room history in the same order, which holds each one's messages in the order they sent them.
        List<RaftChatNode> followers = cluster.followers();
        TestSession alice = new TestSession(cluster, "alice");
        TestSession bob = new TestSession(cluster, "bob");
        ChatServiceBlockingStub aliceHome = cluster.anonymousStub(followers.get(0).id()).withCallCredentials(alice);
        ChatServiceBlockingStub bobHome = cluster.anonymousStub(followers.get(1).id()).withCallCredentials(bob);
        Api.createRoom(cluster.anonymousStub(cluster.awaitLeader().id()).withCallCredentials(alice), "busy");
        join(cluster.anonymousStub(cluster.awaitLeader().id()).withCallCredentials(bob), "busy");

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> postAll(alice, "a"), pool);
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> postAll(bob, "b"), pool);
            CompletableFuture.allOf(a, b).join();
        } finally {
            pool.shutdownNow();
        }

        List<ChatMessage> seenByAlice = allMessages(aliceHome, "busy");
        List<ChatMessage> seenByBob = allMessages(bobHome, "busy");
        assertThat(seenByAlice).hasSize(2 * MESSAGES_EACH).isEqualTo(seenByBob);
        assertThat(seenByAlice.stream().filter(m -> m.getAuthor().equals("alice")).map(ChatMessage::getText))
                .containsExactlyElementsOf(texts("a"));
        assertThat(seenByAlice.stream().filter(m -> m.getAuthor().equals("bob")).map(ChatMessage::getText))
                .containsExactlyElementsOf(texts("b"));
    }

    /** Writes go to the leader whichever node the user is connected to; the writer follows the leader hint. */
    private void postAll(TestSession session, String prefix) {
        RetryingWriter writer = new RetryingWriter(cluster);
        try {
            for (String text : texts(prefix)) {
                writer.postAs(session, "busy", text, session.username() + "-" + text, Duration.ofSeconds(20));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> texts(String prefix) {
        return java.util.stream.IntStream.rangeClosed(1, MESSAGES_EACH).mapToObj(i -> prefix + i).toList();
    }
}
