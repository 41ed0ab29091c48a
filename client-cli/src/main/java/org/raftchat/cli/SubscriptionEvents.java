package org.raftchat.cli;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.SubscriptionListener;
import org.raftchat.proto.v1.ChatMessage;

/**
 * Hands a subscription's callbacks to the command's own thread, so all printing happens in one
 * place and in order. Bounded: a terminal that cannot keep up slows the stream rather than
 * growing memory.
 */
final class SubscriptionEvents implements SubscriptionListener {

    private static final int CAPACITY = 10_000;

    sealed interface Event permits Message, StatusChange, Failure { }

    record Message(ChatMessage message) implements Event { }

    record StatusChange(String status) implements Event { }

    record Failure(ChatClientException error) implements Event { }

    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>(CAPACITY);

    Event take() throws InterruptedException {
        return queue.take();
    }

    @Override
    public void onMessage(ChatMessage message) {
        put(new Message(message));
    }

    @Override
    public void onStatus(String status) {
        put(new StatusChange(status));
    }

    @Override
    public void onError(ChatClientException error) {
        put(new Failure(error));
    }

    private void put(Event event) {
        try {
            queue.put(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
