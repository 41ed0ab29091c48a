package org.raftchat.cli.bench;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.raftchat.config.Defaults;

/**
 * How a bench write is retried: each attempt has {@code callDeadline}; pauses grow from
 * {@code backoffMin} to {@code backoffMax} with jitter; after {@code budget} since the first attempt
 * the write counts as an error.
 */
record RetryPolicy(Duration callDeadline, Duration budget, Duration backoffMin, Duration backoffMax) {

    RetryPolicy {
        Objects.requireNonNull(callDeadline, "callDeadline");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(backoffMin, "backoffMin");
        Objects.requireNonNull(backoffMax, "backoffMax");
        if (callDeadline.isZero() || callDeadline.isNegative() || budget.isZero() || budget.isNegative()) {
            throw new IllegalArgumentException("callDeadline and budget must be > 0");
        }
        if (backoffMin.isNegative() || backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException("backoff: need 0 <= backoffMin <= backoffMax");
        }
    }

    /** The product client's deadline and budget; shorter pauses, as a busy leader usually frees up within milliseconds. */
    static RetryPolicy defaults() {
        return new RetryPolicy(Defaults.CLIENT_CALL_DEADLINE, Defaults.CLIENT_RETRY_BUDGET,
                Duration.ofMillis(5), Duration.ofMillis(500));
    }

    /** The pause before retry number {@code retry} (1-based): drawn from [d/2, d], d = min * 2^(retry-1) capped at max. */
    long pauseNanos(int retry) {
        long min = backoffMin.toNanos();
        long max = backoffMax.toNanos();
        int doublings = Math.min(Math.max(retry - 1, 0), 30);
        long ceiling = Math.min(max, min << doublings);
        long floor = ceiling / 2;
        return floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1);
    }
}
