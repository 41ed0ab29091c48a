package org.raftchat.node;

import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * Requests per second per session, on this node: a token bucket per session that holds up to one
 * second's worth of calls. Over the limit a call fails with RESOURCE_EXHAUSTED (worth a retry after a
 * pause). Per node, not cluster-wide: a node must not wait for consensus to refuse load.
 * Thread-safe; buckets idle for a minute are dropped.
 */
final class SessionRateLimiter {

    private final TokenBuckets<ByteBuffer> buckets;

    SessionRateLimiter(int perSecond, LongSupplier nanoClock) {
        this.buckets = new TokenBuckets<>(perSecond, nanoClock);
    }

    void charge(byte[] tokenSha256) {
        if (buckets.take(ByteBuffer.wrap(tokenSha256)) > 0) {
            throw GrpcErrors.tooManyRequests(buckets.perSecond());
        }
    }
}
