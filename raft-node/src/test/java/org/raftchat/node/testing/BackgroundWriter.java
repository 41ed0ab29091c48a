package org.raftchat.node.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.raftchat.proto.v1.ChatMessage;

/**
 * Clients posting to one room in the background while a test breaks things, each write retried
 * across failures with its idempotency key. Remembers every acknowledged message, so the test can
 * check the history holds each exactly once.
 */
public final class BackgroundWriter implements AutoCloseable {

    private final Map<String, ChatMessage> acked = new ConcurrentHashMap<>();
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final List<CompletableFuture<Void>> writers = new ArrayList<>();

    private BackgroundWriter(ClusterAccess cluster, String room, int clients) {
        for (int w = 0; w < clients; w++) {
            String prefix = "w" + w + "-";
            writers.add(CompletableFuture.runAsync(() -> write(new RetryingWriter(cluster), room, prefix)));
        }
    }

    /** Starts {@code clients} writers, each on its own thread, posting "wN-1", "wN-2", ... to {@code room}. */
    public static BackgroundWriter start(ClusterAccess cluster, String room, int clients) {
        return new BackgroundWriter(cluster, room, clients);
    }

    /** Waits until {@code more} writes beyond those acknowledged so far are acknowledged. */
    public void awaitMoreAcks(int more) {
        int target = acked.size() + more;
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= target);
    }

    /** Stops writing and waits for the writers' last writes to finish. */
    public void stop() throws Exception {
        writing.set(false);
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    public Collection<ChatMessage> acked() {
        return acked.values();
    }

    /** The history has dense seqs from 1, no text twice, and every acknowledged message as acknowledged. */
    public void assertHoldsEveryAckOnce(List<ChatMessage> history) {
        assertThat(history).extracting(ChatMessage::getSeq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, history.size()).boxed().toList());
        assertThat(history).extracting(ChatMessage::getText).doesNotHaveDuplicates();
        acked.values().forEach(m -> assertThat(history).as("acknowledged %s", m.getText()).contains(m));
    }

    @Override
    public void close() {
        writing.set(false);
    }

    private void write(RetryingWriter client, String room, String prefix) {
        int i = 0;
        try {
            while (writing.get()) {
                String text = prefix + (++i);
                acked.put(text, client.post(room, text, "key-" + text, Duration.ofSeconds(30)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
