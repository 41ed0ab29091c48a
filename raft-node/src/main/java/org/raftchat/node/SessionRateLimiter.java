package org.raftchat.node;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Requests per second per session, on this node: a token bucket per session that holds up to one
 * second's worth of calls. Over the limit a call fails with RESOURCE_EXHAUSTED (worth a retry after a
 * pause). Per node, not cluster-wide: a node must not wait for consensus to refuse load.
 * Thread-safe; buckets idle for a minute are dropped.
 */
final class SessionRateLimiter {

    private static final long IDLE_NANOS = 60_000_000_000L;
    private static final int SWEEP_EVERY_CALLS = 10_000;

    private final int perSecond;
    private final LongSupplier nanoClock;
    private final Map<ByteBuffer, Bucket> buckets = new ConcurrentHashMap<>();
    private int callsSinceSweep;

    SessionRateLimiter(int perSecond, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
    }

    void charge(byte[] tokenSha256) {
        long now = nanoClock.getAsLong();
        Bucket bucket = buckets.computeIfAbsent(ByteBuffer.wrap(tokenSha256), k -> new Bucket(perSecond, now));
        if (!bucket.take(now, perSecond)) {
            throw GrpcErrors.tooManyRequests(perSecond);
        }
        maybeSweep(now);
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

        synchronized boolean take(long now, int perSecond) {
            tokens = Math.min(perSecond, tokens + (now - lastNanos) * perSecond / 1e9);
            lastNanos = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        synchronized long idleSince(long now) {
            return now - lastNanos;
        }
    }
}
