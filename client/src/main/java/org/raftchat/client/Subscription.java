package org.raftchat.client;

/**
 * A live feed of one conversation, started by {@link ChatClient#subscribe}. It survives node
 * failures by resubscribing elsewhere from the last delivered seq.
 */
public interface Subscription extends AutoCloseable {

    /** The seq of the last message handed to the listener; the starting {@code afterSeq} before any. */
    long lastDeliveredSeq();

    /** True once closed by the caller or ended by a final error. */
    boolean isClosed();

    /** Stops the feed; no listener callback starts after this returns. Idempotent. */
    @Override
    void close();
}
