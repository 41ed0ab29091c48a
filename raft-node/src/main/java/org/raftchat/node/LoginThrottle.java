package org.raftchat.node;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing: after {@code freeFailures} wrong passwords in a row for a username,
 * each further attempt must wait a lockout that doubles with every failure, up to {@code maxLockoutMs}.
 * A correct password resets the count. Kept in memory on the leader, where every login is checked,
 * so it holds cluster-wide until the leader changes (a new leader starts counting afresh).
 */
final class LoginThrottle {

    /** Entries idle this long are dropped, so failed guesses at random names cannot grow the map for ever. */
    private static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(15);
    private static final int PRUNE_ABOVE_ENTRIES = 10_000;

    private record Failures(int count, long lastFailureNanos, long lockedUntilNanos) { }

    private final int freeFailures;
    private final long baseLockoutNanos;
    private final long maxLockoutNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Failures> byUser = new ConcurrentHashMap<>();

    LoginThrottle(int freeFailures, long baseLockoutMs, long maxLockoutMs, LongSupplier nanoTime) {
        this.freeFailures = freeFailures;
        this.baseLockoutNanos = TimeUnit.MILLISECONDS.toNanos(baseLockoutMs);
        this.maxLockoutNanos = TimeUnit.MILLISECONDS.toNanos(maxLockoutMs);
        this.nanoTime = nanoTime;
    }

    /** Throws RESOURCE_EXHAUSTED (a fixed limit: retrying at once does not help) while the username is locked out. */
    void requireAllowed(String username) {
        Failures failures = byUser.get(username);
        if (failures == null) {
            return;
        }
        long waitNanos = failures.lockedUntilNanos() - nanoTime.getAsLong();
        if (waitNanos > 0) {
            long waitSeconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + TimeUnit.SECONDS.toNanos(1) - 1));
            throw GrpcErrors.limitReached(failures.count() + " wrong passwords in a row for '" + username
                    + "': wait " + waitSeconds + " s before trying again");
        }
    }

    void failed(String username) {
        long now = nanoTime.getAsLong();
        byUser.compute(username, (user, previous) -> {
            int count = previous == null ? 1 : previous.count() + 1;
            long lockedUntil = count < freeFailures ? now : now + lockout(count - freeFailures);
            return new Failures(count, now, lockedUntil);
        });
        if (byUser.size() > PRUNE_ABOVE_ENTRIES) {
            byUser.values().removeIf(f -> now - f.lastFailureNanos() > FORGET_AFTER_NANOS);
        }
    }

    void succeeded(String username) {
        byUser.remove(username);
    }

    private long lockout(int beyondFree) {
        // base * 2^beyondFree without overflow: cap the shift, then the result.
        long lockout = baseLockoutNanos << Math.min(beyondFree, 30);
        return lockout <= 0 || lockout > maxLockoutNanos ? maxLockoutNanos : lockout;
    }
}
