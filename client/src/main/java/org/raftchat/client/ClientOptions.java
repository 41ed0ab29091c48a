package org.raftchat.client;

import java.time.Duration;
import java.util.Objects;
import org.raftchat.config.Defaults;

/**
 * How patient a {@link ChatClient} is.
 *
 * @param callDeadline  the longest one RPC attempt may take
 * @param retryBudget   the longest one logical call (all its attempts and pauses) may take before
 *                      the client reports {@link ChatClientException.Category#UNAVAILABLE}; a
 *                      subscription gives up after this long without a working stream
 * @param backoffMin    the first pause between attempts; pauses double from here
 * @param backoffMax    the longest pause between attempts
 */
public record ClientOptions(Duration callDeadline, Duration retryBudget, Duration backoffMin, Duration backoffMax) {

    public ClientOptions {
        Objects.requireNonNull(callDeadline, "callDeadline");
        Objects.requireNonNull(retryBudget, "retryBudget");
        Objects.requireNonNull(backoffMin, "backoffMin");
        Objects.requireNonNull(backoffMax, "backoffMax");
        requirePositive("callDeadline", callDeadline);
        requirePositive("retryBudget", retryBudget);
        requirePositive("backoffMin", backoffMin);
        if (backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException("backoffMax: must be >= backoffMin (" + backoffMin + "), got " + backoffMax);
        }
    }

    /** The cluster-wide defaults: {@link Defaults#CLIENT_CALL_DEADLINE}, {@link Defaults#CLIENT_RETRY_BUDGET}, {@link Defaults#CLIENT_BACKOFF_MIN} .. {@link Defaults#CLIENT_BACKOFF_MAX}. */
    public static ClientOptions defaults() {
        return new ClientOptions(Defaults.CLIENT_CALL_DEADLINE, Defaults.CLIENT_RETRY_BUDGET,
                Defaults.CLIENT_BACKOFF_MIN, Defaults.CLIENT_BACKOFF_MAX);
    }

    public ClientOptions withCallDeadline(Duration deadline) {
        return new ClientOptions(deadline, retryBudget, backoffMin, backoffMax);
    }

    public ClientOptions withRetryBudget(Duration budget) {
        return new ClientOptions(callDeadline, budget, backoffMin, backoffMax);
    }

    public ClientOptions withBackoff(Duration min, Duration max) {
        return new ClientOptions(callDeadline, retryBudget, min, max);
    }

    private static void requirePositive(String field, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(field + ": must be > 0, got " + value);
        }
    }
}
