package org.raftchat.node;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.raftchat.config.LoginThrottling;
import org.raftchat.proto.v1.LoginThrottlePolicy;
import org.raftchat.statemachine.LoginFailures;

/**
 * Slows password guessing, per (username, client address) and per client address. The failures
 * themselves are replicated ({@code RecordLoginFailure}, applied by every replica), so a lock-out
 * survives a leader change; this class, on the leader, adds what the log cannot: attempts still
 * in flight.
 *
 * <p>Atomic: {@link #begin} counts an attempt before its password is checked, so N concurrent
 * guesses cannot all pass the check made before the first of them fails. An attempt is let in
 * only while the recorded failures plus the attempts in flight stay under the free failures (after
 * a lock-out ends, one attempt at a time). An attempt ends ({@link Attempt#close}) once its
 * failure is applied (or its login is done), so the recorded count then covers it.
 *
 * <p>A stranger's guesses lock out only the stranger's own address: the user logging in from
 * another address is counted apart. Thread-safe; one lock, held for a few map operations and two
 * local RocksDB reads.
 */
final class LoginThrottle {

    private final LoginThrottling policy;
    private final BiFunction<String, String, LoginFailures> recorded;
    private final LongSupplier leaderClockMs;
    private final Map<String, Integer> inFlightByPair = new HashMap<>();
    private final Map<String, Integer> inFlightByAddress = new HashMap<>();

    /**
     * @param recorded      the replicated failures of (username, address), read from local state
     * @param leaderClockMs the time apply stamps a command proposed now with (never behind the state's last time)
     */
    LoginThrottle(LoginThrottling policy, BiFunction<String, String, LoginFailures> recorded, LongSupplier leaderClockMs) {
        this.policy = policy;
        this.recorded = recorded;
        this.leaderClockMs = leaderClockMs;
    }

    /** One login attempt, counted until closed. */
    interface Attempt extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Reserves an attempt for {@code username} from {@code address}, or throws RESOURCE_EXHAUSTED
     * (with a LimitReached detail: retrying at once does not help) while the pair or the address is
     * locked out or its remaining free attempts are all in flight.
     */
    synchronized Attempt begin(String username, String address) {
        LoginFailures failures = recorded.apply(username, address);
        requireNotLocked(username, failures);
        String pair = pairKey(username, address);
        int pairInFlight = inFlightByPair.getOrDefault(pair, 0);
        int addressInFlight = inFlightByAddress.getOrDefault(address, 0);
        if (pairInFlight >= allowance(failures.userFailures(), policy.freeFailuresPerUser())
                || addressInFlight >= allowance(failures.addressFailures(), policy.freeFailuresPerAddress())) {
            throw GrpcErrors.limitReached("too many login attempts in progress for '" + username
                    + "' from this address: wait for their answers");
        }
        inFlightByPair.merge(pair, 1, Integer::sum);
        inFlightByAddress.merge(address, 1, Integer::sum);
        boolean[] closed = {false};
        return () -> end(pair, address, closed);
    }

    /** Throws RESOURCE_EXHAUSTED while the replicated state locks the pair or the address out. */
    void requireNotLocked(String username, String address) {
        requireNotLocked(username, recorded.apply(username, address));
    }

    /** The policy the leader stamps into every RecordLoginFailure (apply reads no config). */
    LoginThrottlePolicy stampedPolicy() {
        return LoginThrottlePolicy.newBuilder()
                .setFreeFailuresPerUser(policy.freeFailuresPerUser())
                .setFreeFailuresPerAddress(policy.freeFailuresPerAddress())
                .setBaseLockoutMs(policy.baseLockout().toMillis())
                .setMaxLockoutMs(policy.maxLockout().toMillis())
                .setForgetAfterMs(policy.forgetAfter().toMillis())
                .setMaxRecords(policy.maxRecords())
                .build();
    }

    /** How many attempts in flight that many recorded failures still leave room for. */
    private static int allowance(int failures, int freeFailures) {
        // Past the free failures (and past the lock-out, or begin would have refused): one try at a time.
        return Math.max(1, freeFailures - failures);
    }

    private void requireNotLocked(String username, LoginFailures failures) {
        long waitMs = failures.lockedUntilMs() - leaderClockMs.getAsLong();
        if (waitMs <= 0) {
            return;
        }
        long waitSeconds = Math.max(1, TimeUnit.MILLISECONDS.toSeconds(waitMs + 999));
        throw GrpcErrors.limitReached(failures.lockedByAddress()
                ? failures.addressFailures() + " wrong passwords from this address: wait " + waitSeconds + " s before trying again"
                : failures.userFailures() + " wrong passwords in a row for '" + username + "' from this address: wait "
                        + waitSeconds + " s before trying again");
    }

    private synchronized void end(String pair, String address, boolean[] closed) {
        if (closed[0]) {
            return;
        }
        closed[0] = true;
        inFlightByPair.computeIfPresent(pair, (k, n) -> n == 1 ? null : n - 1);
        inFlightByAddress.computeIfPresent(address, (k, n) -> n == 1 ? null : n - 1);
    }

    /** Length-prefixed, so no (username, address) pair collides with another. */
    private static String pairKey(String username, String address) {
        return username.length() + ":" + username + address;
    }

    /** Attempts in flight (for tests: every attempt ends). */
    synchronized int inFlight() {
        return inFlightByAddress.values().stream().mapToInt(Integer::intValue).sum();
    }
}
