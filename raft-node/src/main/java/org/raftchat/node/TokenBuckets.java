package org.raftchat.node;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key, each holding up to one second's worth of calls and refilled at
 * {@code perSecond}. Thread-safe; buckets idle for a minute are dropped now and then, so the map
 * stays as small as the set of recent callers.
 */
final class TokenBuckets<K> {

    private static final long IDLE_NANOS = 60_000_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int SWEEP_EVERY_CALLS = 10_000;

    private final int perSecond;
    private final LongSupplier nanoClock;
    private final Map<K, Bucket> buckets = new ConcurrentHashMap<>();
    private int callsSinceSweep;

    TokenBuckets(int perSecond, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
    }

    int perSecond() {
        return perSecond;
    }

    /** Takes one call from {@code key}'s bucket: 0 if it had one, else the nanoseconds until it will. */
    long take(K key) {
        long now = nanoClock.getAsLong();
        long waitNanos = buckets.computeIfAbsent(key, k -> new Bucket(perSecond, now)).take(now, perSecond);
        maybeSweep(now);
        return waitNanos;
    }

    private void maybeSweep(long now) {
        synchronized (this) {
            if (++callsSinceSweep < SWEEP_EVERY_CALLS) {
                return;
            }
            callsSinceSweep = 0;
        }
        buckets.values().removeIf(b -> b.idleSince(now) > IDLE_NANOS);
    }

    private static final class Bucket {
        private double tokens;
        private long lastNanos;

        Bucket(int capacity, long now) {
            this.tokens = capacity;
            this.lastNanos = now;
        }

        synchronized long take(long now, int perSecond) {
            tokens = Math.min(perSecond, tokens + (now - lastNanos) * (double) perSecond / NANOS_PER_SECOND);
            lastNanos = now;
            if (tokens < 1) {
                return (long) Math.ceil((1 - tokens) * NANOS_PER_SECOND / perSecond);
            }
            tokens -= 1;
            return 0;
        }

        synchronized long idleSince(long now) {
            return now - lastNanos;
        }
    }
}
