package org.raftchat.node;

import java.util.function.LongSupplier;

/**
 * Calls per second per client IP address, on this node, for the work anyone may ask for without a
 * session: registering, logging in, the cluster's status, and a session token this node must ask the
 * leader about (a read barrier) before it can answer. A token bucket per address holding up to one
 * second's worth; over it a call fails with RESOURCE_EXHAUSTED and a retry delay before any of its
 * work is done. Per node, like {@link SessionRateLimiter}. Thread-safe.
 */
final class AddressRateLimiter {

    private final TokenBuckets<String> buckets;

    AddressRateLimiter(int perSecond, LongSupplier nanoClock) {
        this.buckets = new TokenBuckets<>(perSecond, nanoClock);
    }

    /** Charges one call to {@code address}, or throws RESOURCE_EXHAUSTED (with a retry delay) over its budget. */
    void charge(String address) {
        long waitNanos = buckets.take(address);
        if (waitNanos > 0) {
            throw GrpcErrors.tooManyUnauthenticatedCalls(buckets.perSecond(), java.time.Duration.ofNanos(waitNanos));
        }
    }
}
