package org.raftchat.cli;

import java.util.function.Consumer;
import org.raftchat.proto.v1.ChatMessage;

/**
 * Receives a subscription's events. Calls are serialized (never concurrent) and arrive on gRPC or
 * client threads, so implementations should hand work off rather than block.
 */
public interface SubscriptionListener {

    /** The next message: seq is exactly one more than the previous delivered seq. Never repeats. */
    void onMessage(ChatMessage message);

    /** A change worth showing a user, e.g. "lost #general on 127.0.0.1:9101 (...); reconnecting to 127.0.0.1:9102". */
    default void onStatus(String status) {
    }

    /** The subscription ended for good (not called after {@link Subscription#close()}). */
    default void onError(ChatClientException error) {
    }

    /** Convenience for lambdas that only want messages. */
    static SubscriptionListener of(Consumer<ChatMessage> onMessage) {
        return onMessage::accept;
    }
}
