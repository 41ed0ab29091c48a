package org.raftchat.statemachine;

import org.raftchat.proto.v1.ClearLoginFailures;
import org.raftchat.proto.v1.LoginThrottlePolicy;
import org.raftchat.proto.v1.RecordLoginFailure;
import org.raftchat.proto.v1.StoredLoginFailures;

/**
 * Failed logins, counted per (username, client address) and per client address, with a lock-out
 * that doubles with every failure past the free ones. Replicated so that a new leader refuses what
 * the old one refused. Deterministic: times are leader-stamped, the policy comes in the command.
 *
 * <p>Bounded: every recorded failure first forgets up to {@link #PRUNE_PER_COMMAND} records idle
 * for the policy's forget time (oldest first, through a time index), and beyond the policy's
 * record cap drops the oldest records even if they are not idle yet. A failure adds at most two
 * records and forgets up to eight stale ones, so stale records never pile up.
 */
final class LoginFailureCommands {

    /** More than the two records a failure can add, so stale records never pile up. */
    static final int PRUNE_PER_COMMAND = 8;

    private final BatchStore store;

    LoginFailureCommands(BatchStore store) {
        this.store = store;
    }

    ApplyResult record(long timestampMs, RecordLoginFailure body) {
        LoginThrottlePolicy policy = body.getPolicy();
        forgetIdle(timestampMs - policy.getForgetAfterMs(), PRUNE_PER_COMMAND);
        StoredLoginFailures user = count(Keys.userLoginFailures(body.getUsername(), body.getClientAddress()),
                timestampMs, policy.getFreeFailuresPerUser(), policy);
        StoredLoginFailures address = count(Keys.addressLoginFailures(body.getClientAddress()),
                timestampMs, policy.getFreeFailuresPerAddress(), policy);
        int over = recordCount() - Math.max(2, policy.getMaxRecords());
        if (over > 0) {
            // Past the cap: the oldest go even before their time (the two just written carry the latest time).
            forgetIdle(Long.MAX_VALUE, over);
        }
        return new ApplyResult.LoginFailureRecorded(body.getUsername(), user.getFailures(), address.getFailures(),
                Math.max(user.getLockedUntilMs(), address.getLockedUntilMs()));
    }

    ApplyResult clear(ClearLoginFailures body) {
        byte[] key = Keys.userLoginFailures(body.getUsername(), body.getClientAddress());
        byte[] value = store.get(key);
        if (value != null) {
            forget(key, StoredValues.decodeLoginFailures(value));
        }
        return new ApplyResult.LoginFailuresCleared(body.getUsername());
    }

    private StoredLoginFailures count(byte[] key, long timestampMs, int freeFailures, LoginThrottlePolicy policy) {
        byte[] value = store.get(key);
        int failures = 1;
        if (value != null) {
            StoredLoginFailures previous = StoredValues.decodeLoginFailures(value);
            store.delete(Keys.loginFailuresByTime(previous.getLastFailureMs(), key));
            failures = previous.getFailures() + 1;
        } else {
            setRecordCount(recordCount() + 1);
        }
        long lockedUntilMs = failures < freeFailures ? 0 : timestampMs + lockoutMs(failures - freeFailures, policy);
        StoredLoginFailures updated = StoredLoginFailures.newBuilder()
                .setFailures(failures)
                .setLastFailureMs(timestampMs)
                .setLockedUntilMs(lockedUntilMs)
                .build();
        store.put(key, updated.toByteArray());
        store.put(Keys.loginFailuresByTime(timestampMs, key), new byte[0]);
        return updated;
    }

    /** base * 2^beyondFree, capped at the max, without overflow. */
    static long lockoutMs(int beyondFree, LoginThrottlePolicy policy) {
        long lockout = policy.getBaseLockoutMs() << Math.min(beyondFree, 30);
        return lockout <= 0 || lockout > policy.getMaxLockoutMs() ? policy.getMaxLockoutMs() : lockout;
    }

    /** Forgets up to {@code limit} records whose last failure is at or before {@code cutoffMs}, oldest first. */
    private void forgetIdle(long cutoffMs, int limit) {
        for (byte[] indexKey : store.keysWithPrefix(new byte[] {Keys.LOGIN_FAILURES_BY_TIME}, limit)) {
            if (Keys.loginFailureTimeOf(indexKey) > cutoffMs) {
                return;
            }
            store.delete(indexKey);
            store.delete(Keys.loginRecordOf(indexKey));
            setRecordCount(recordCount() - 1);
        }
    }

    private void forget(byte[] key, StoredLoginFailures record) {
        store.delete(key);
        store.delete(Keys.loginFailuresByTime(record.getLastFailureMs(), key));
        setRecordCount(recordCount() - 1);
    }

    private int recordCount() {
        byte[] value = store.get(Keys.LOGIN_FAILURE_RECORDS);
        return value == null ? 0 : Math.toIntExact(Keys.readLong(value));
    }

    private void setRecordCount(int count) {
        if (count < 0) {
            throw new StateMachineException("login failure record count went below zero");
        }
        store.put(Keys.LOGIN_FAILURE_RECORDS, Keys.longBytes(count));
    }
}
