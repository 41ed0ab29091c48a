package org.raftchat.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th pause is drawn from [d/2, d] where d doubles from
 * {@code min} up to {@code max}. The jitter keeps many clients from retrying in lock step after
 * a leader change. Not thread-safe: one per logical call.
 */
final class Backoff {

    private final long minNanos;
    private final long maxNanos;
    private long currentNanos;

    Backoff(Duration min, Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.currentNanos = minNanos;
    }

    Duration next() {
        long ceiling = currentNanos;
        currentNanos = Math.min(maxNanos, currentNanos * 2);
        long floor = ceiling / 2;
        return Duration.ofNanos(floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1));
    }

    void reset() {
        currentNanos = minNanos;
    }
}
