package org.raftchat.client;

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

    /**
     * A stream is being opened on {@code address} (the first one, or a resubscription). It is
     * serving once messages arrive or a call to that node succeeds.
     */
    default void onConnecting(String address) {
    }

    /**
     * The stream from {@code lostAddress} ended; the subscription resubscribes on {@code nextAddress}
     * after {@code pause}. {@code attempt} counts the reconnects since the last stream that worked (1, 2, ...).
     */
    default void onReconnecting(String lostAddress, String nextAddress, int attempt, java.time.Duration pause) {
    }

    /** After an outage, the first message arrived from {@code address}: the feed runs again from {@code afterSeq}. */
    default void onResumed(String address, long afterSeq) {
    }

    /** The subscription ended for good (not called after {@link Subscription#close()}). */
    default void onError(ChatClientException error) {
    }

    /** Convenience for lambdas that only want messages. */
    static SubscriptionListener of(Consumer<ChatMessage> onMessage) {
        return onMessage::accept;
    }
}
