package org.raftchat.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th pause is drawn from [d/2, d] where d doubles from
 * {@code min} up to {@code max}. The jitter keeps many clients from retrying in lock step after
 * a leader change. {@link #pause(int)} is stateless and thread-safe (for callers that count their
 * own retries, such as asynchronous ones); {@link #next()} counts for the caller and is not
 * thread-safe: one instance per logical call.
 */
public final class Backoff {

    /** Past this many doublings any sensible {@code max} is reached; it also keeps the shift from overflowing. */
    private static final int MAX_DOUBLINGS = 30;

    private final long minNanos;
    private final long maxNanos;
    private int retries;

    public Backoff(Duration min, Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** The pause before the next retry of this call. */
    public Duration next() {
        return pause(++retries);
    }

    /** The pause before retry number {@code retry} (1-based): drawn from [d/2, d], d = min * 2^(retry-1) capped at max. */
    public Duration pause(int retry) {
        int doublings = Math.min(Math.max(retry - 1, 0), MAX_DOUBLINGS);
        long ceiling = Math.min(maxNanos, minNanos << doublings);
        long floor = ceiling / 2;
        return Duration.ofNanos(floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1));
    }

    public void reset() {
        retries = 0;
    }
}
