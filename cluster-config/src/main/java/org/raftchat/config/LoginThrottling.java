package org.raftchat.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How wrong passwords slow logins down. Failures are counted per (username, client address) and
 * per client address across usernames, in the replicated state (they survive a leader change).
 * Past the free failures, each further failure locks the pair (or the address) out for a time that
 * starts at {@code baseLockout} and doubles, up to {@code maxLockout}.
 *
 * @param freeFailuresPerUser    wrong passwords in a row for one username from one address before it is locked out
 * @param freeFailuresPerAddress wrong passwords from one address, whatever the usernames, before the address is locked out
 * @param forgetAfter            a record with no new failure for this long is forgotten (must outlast maxLockout)
 * @param maxRecords             at most this many records (pairs and addresses) are kept; beyond, the oldest go
 */
public record LoginThrottling(int freeFailuresPerUser, int freeFailuresPerAddress, Duration baseLockout, Duration maxLockout,
                              Duration forgetAfter, int maxRecords) {

    public LoginThrottling {
        Objects.requireNonNull(baseLockout, "baseLockout");
        Objects.requireNonNull(maxLockout, "maxLockout");
        Objects.requireNonNull(forgetAfter, "forgetAfter");
        requireAtLeast("freeFailuresPerUser", freeFailuresPerUser, 1);
        requireAtLeast("freeFailuresPerAddress", freeFailuresPerAddress, freeFailuresPerUser);
        requireAtLeast("maxRecords", maxRecords, 2);
        if (baseLockout.toMillis() < 1 || maxLockout.compareTo(baseLockout) < 0) {
            throw new IllegalArgumentException("limits.loginThrottling: need 1 ms <= baseLockout <= maxLockout, got "
                    + baseLockout.toMillis() + " ms and " + maxLockout.toMillis() + " ms");
        }
        if (forgetAfter.compareTo(maxLockout) <= 0) {
            // A record forgotten while still locked would lift the lock-out early.
            throw new IllegalArgumentException("limits.loginThrottling.forgetAfterMs: must exceed maxLockoutMs ("
                    + maxLockout.toMillis() + "), got " + forgetAfter.toMillis());
        }
    }

    public static LoginThrottling defaults() {
        return new LoginThrottling(Defaults.LOGIN_FREE_FAILURES, Defaults.LOGIN_FREE_FAILURES_PER_ADDRESS,
                Defaults.LOGIN_LOCKOUT_BASE, Defaults.LOGIN_LOCKOUT_MAX, Defaults.LOGIN_FAILURES_FORGET_AFTER,
                Defaults.LOGIN_FAILURE_RECORDS_MAX);
    }

    /** This policy with other lock-out times (tests lengthen them so a lock-out outlasts a failover). */
    public LoginThrottling withLockouts(Duration base, Duration max, Duration forget) {
        return new LoginThrottling(freeFailuresPerUser, freeFailuresPerAddress, base, max, forget, maxRecords);
    }

    private static void requireAtLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("limits.loginThrottling." + field + ": must be >= " + min + ", got " + value);
        }
    }
}
