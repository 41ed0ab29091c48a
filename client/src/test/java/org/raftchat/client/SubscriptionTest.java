package org.raftchat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;

class SubscriptionTest {

    private final FakeCluster cluster = new FakeCluster(2);
    private final ConversationRef general = ConversationRefs.room("general");
    private final Recorder recorder = new Recorder();

    /** Everything a listener was told, in order. */
    static final class Recorder implements SubscriptionListener {
        final List<Long> seqs = new CopyOnWriteArrayList<>();
        final List<String> statuses = new CopyOnWriteArrayList<>();
        final List<ChatClientException> errors = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(ChatMessage message) {
            seqs.add(message.getSeq());
        }

        @Override
        public void onStatus(String status) {
            statuses.add(status);
        }

        @Override
        public void onError(ChatClientException error) {
            errors.add(error);
        }

        @Override
        public void onConnecting(String address) {
            statuses.add("connecting " + address);
        }

        @Override
        public void onReconnecting(String lostAddress, String nextAddress, int attempt, Duration pause) {
            statuses.add("attempt " + attempt + " " + lostAddress + " -> " + nextAddress);
        }
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private void seed(int messages) {
        cluster.chat.createRoom("general");
        for (int i = 1; i <= messages; i++) {
            cluster.chat.append(general, "alice", "m" + i);
        }
    }

    @Test
    void brokenStreamResumesOnAnotherNodeFromTheLastSeqWithoutDuplicatesOrGaps() {
        // Goal: node 1 dies after 4 messages; the client resubscribes on node 2 after seq 4, drops node 2's resent
        // old seqs, and delivers 1..10 and then live messages exactly once, in order.
        seed(10);
        cluster.node(0).breakAfter = 4;
        cluster.node(1).resendOld = 3;
        try (ChatClient client = cluster.client();
             Subscription sub = client.subscribe(general, 0, recorder)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.seqs.size() >= 10);
            cluster.chat.append(general, "bob", "live");
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.seqs.size() >= 11);

            assertThat(recorder.seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, 11).boxed().toList());
            assertThat(cluster.node(0).subscribedAfter).containsExactly(0L);
            assertThat(cluster.node(1).subscribedAfter).containsExactly(4L);
            assertThat(recorder.statuses).anySatisfy(s -> assertThat(s).contains("reconnecting to " + cluster.node(1).address));
            assertThat(recorder.errors).isEmpty();
            assertThat(sub.lastDeliveredSeq()).isEqualTo(11);
        }
    }

    @Test
    void reconnectAttemptsAreCountedUntilAStreamWorks() {
        // Goal: the listener hears each stream being opened and each reconnect with its attempt number,
        // counted from 1 again after a stream that delivered (what the interactive status line shows).
        seed(3);
        try (ChatClient client = cluster.client(List.of(cluster.downAddress(), cluster.node(1).address), FakeCluster.FAST);
             Subscription ignored = client.subscribe(general, 0, recorder)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.seqs.size() >= 3);

            assertThat(recorder.statuses).containsSubsequence("connecting " + cluster.downAddress(),
                    "attempt 1 " + cluster.downAddress() + " -> " + cluster.node(1).address,
                    "connecting " + cluster.node(1).address);
        }
    }

    @Test
    void startsFromAfterSeqAndSkipsADownNode() {
        // Goal: a subscription whose first node is down moves on and delivers only seq > afterSeq.
        seed(5);
        try (ChatClient client = cluster.client(List.of(cluster.downAddress(), cluster.node(1).address), FakeCluster.FAST);
             Subscription ignored = client.subscribe(general, 3, recorder)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.seqs.size() >= 2);

            assertThat(recorder.seqs).containsExactly(4L, 5L);
        }
    }

    @Test
    void gapInSequenceNumbersFailsLoudly() {
        // Goal: a node that skips a seq is a server bug: the subscription ends with PROTOCOL instead of losing messages.
        seed(5);
        cluster.node(0).omit = Set.of(3L, 4L);
        try (ChatClient client = cluster.client();
             Subscription sub = client.subscribe(general, 0, recorder)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.errors.isEmpty());

            assertThat(recorder.seqs).containsExactly(1L, 2L);
            assertThat(recorder.errors.get(0).category()).isEqualTo(Category.PROTOCOL);
            assertThat(recorder.errors.get(0).getMessage()).contains("seq 5 right after seq 2");
            assertThat(sub.isClosed()).isTrue();
        }
    }

    @Test
    void unknownRoomEndsTheSubscription() {
        // Goal: NOT_FOUND is final for a subscription too: no reconnect loop.
        try (ChatClient client = cluster.client();
             Subscription sub = client.subscribe(ConversationRefs.room("nowhere"), 0, recorder)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.errors.isEmpty());

            assertThat(recorder.errors.get(0).category()).isEqualTo(Category.NOT_FOUND);
            assertThat(cluster.node(0).subscribedAfter).hasSize(1);
            assertThat(cluster.node(1).subscribedAfter).isEmpty();
            assertThat(sub.isClosed()).isTrue();
        }
    }

    @Test
    void givesUpWhenNoNodeServesItForTheRetryBudget() {
        // Goal: with every node down the subscription does not spin forever: UNAVAILABLE after the budget.
        try (ChatClient client = cluster.client(List.of(cluster.downAddress()), FakeCluster.FAST);
             Subscription ignored = client.subscribe(general, 0, recorder)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.errors.isEmpty());

            assertThat(recorder.errors.get(0).category()).isEqualTo(Category.UNAVAILABLE);
            assertThat(recorder.statuses).isNotEmpty();
        }
    }

    @Test
    void closedSubscriptionDeliversNothingMore() {
        // Goal: after close() returns, the listener hears nothing, even when new messages arrive.
        seed(2);
        try (ChatClient client = cluster.client()) {
            Subscription sub = client.subscribe(general, 0, recorder);
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.seqs.size() == 2);
            sub.close();
            cluster.chat.append(general, "bob", "after close");

            assertThat(recorder.seqs).containsExactly(1L, 2L);
            assertThat(sub.isClosed()).isTrue();
        }
    }
}
