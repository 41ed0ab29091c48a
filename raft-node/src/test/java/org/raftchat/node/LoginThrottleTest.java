package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.raftchat.config.LoginThrottling;
import org.raftchat.statemachine.LoginFailures;

/** The leader's half of the throttle: attempts in flight against the replicated failures (given here as a map). */
class LoginThrottleTest {

    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final Map<String, LoginFailures> recorded = new HashMap<>();
    private final LoginThrottle throttle = new LoginThrottle(
            new LoginThrottling(3, 5, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMinutes(1), 100),
            (user, address) -> recorded.getOrDefault(user + "@" + address, new LoginFailures(0, 0, 0, 0)),
            nowMs::get);

    @Test
    void concurrentAttemptsAreCountedBeforeTheirPasswordsAreChecked() {
        // Goal: with 3 free failures and none recorded, only 3 attempts may be in flight at once;
        // the 4th is refused before any password check, and an ended attempt frees its place.
        List<LoginThrottle.Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            attempts.add(throttle.begin("alice", "10.0.0.1"));
        }
        assertRefused(() -> throttle.begin("alice", "10.0.0.1"), "in progress");
        attempts.get(0).close();
        attempts.get(0).close(); // closing twice frees one place, not two
        attempts.set(0, throttle.begin("alice", "10.0.0.1"));
        assertRefused(() -> throttle.begin("alice", "10.0.0.1"), "in progress");
        attempts.forEach(LoginThrottle.Attempt::close);
        assertThat(throttle.inFlight()).isZero();
    }

    @Test
    void recordedFailuresLeaveOnlyTheRemainingFreeAttempts() {
        // Goal: 2 recorded failures of 3 free leave one attempt in flight; past the free ones, one at a time.
        recorded.put("alice@10.0.0.1", new LoginFailures(2, 0, 2, 0));
        LoginThrottle.Attempt first = throttle.begin("alice", "10.0.0.1");
        assertRefused(() -> throttle.begin("alice", "10.0.0.1"), "in progress");
        first.close();
        recorded.put("alice@10.0.0.1", new LoginFailures(7, nowMs.get() - 1, 7, 0));
        LoginThrottle.Attempt afterLockout = throttle.begin("alice", "10.0.0.1");
        assertRefused(() -> throttle.begin("alice", "10.0.0.1"), "in progress");
        afterLockout.close();
    }

    @Test
    void aLockedPairIsRefusedUntilTheLeaderClockPassesItsTime() {
        // Goal: the recorded lock-out refuses with the wait in seconds, and lifts at exactly its time.
        recorded.put("alice@10.0.0.1", new LoginFailures(4, nowMs.get() + 2_000, 4, 0));
        assertRefused(() -> throttle.begin("alice", "10.0.0.1"), "4 wrong passwords in a row for 'alice' from this address: wait 2 s");
        assertRefused(() -> throttle.requireNotLocked("alice", "10.0.0.1"), "wait 2 s");
        nowMs.addAndGet(1_999);
        assertRefused(() -> throttle.begin("alice", "10.0.0.1"), "wait 1 s");
        nowMs.addAndGet(1);
        throttle.begin("alice", "10.0.0.1").close();
    }

    @Test
    void aStrangersGuessesFromOneAddressDoNotTouchTheUserAtAnother() {
        // Goal: the pair (alice, attacker) is locked and the attacker's address has used its in-flight room;
        // alice from her own address is neither.
        recorded.put("alice@10.6.6.6", new LoginFailures(3, nowMs.get() + 1_000, 3, 0));
        assertRefused(() -> throttle.begin("alice", "10.6.6.6"), "for 'alice' from this address");
        throttle.begin("alice", "10.0.0.1").close();
    }

    @Test
    void anAddressThatGuessedManyUsernamesIsLockedForEveryUsername() {
        // Goal: the per-address lock-out refuses any username from that address, and says so.
        recorded.put("bob@10.6.6.6", new LoginFailures(0, 0, 5, nowMs.get() + 4_000));
        assertRefused(() -> throttle.begin("bob", "10.6.6.6"), "5 wrong passwords from this address: wait 4 s");
        // Its in-flight attempts across usernames are limited too.
        recorded.clear();
        List<LoginThrottle.Attempt> attempts = new ArrayList<>();
        for (String user : List.of("u1", "u2", "u3", "u4", "u5")) {
            attempts.add(throttle.begin(user, "10.6.6.6"));
        }
        assertRefused(() -> throttle.begin("u6", "10.6.6.6"), "in progress");
        throttle.begin("u6", "10.0.0.1").close();
        attempts.forEach(LoginThrottle.Attempt::close);
    }

    @Test
    void theStampedPolicyCarriesTheConfiguredRules() {
        assertThat(throttle.stampedPolicy().getFreeFailuresPerUser()).isEqualTo(3);
        assertThat(throttle.stampedPolicy().getFreeFailuresPerAddress()).isEqualTo(5);
        assertThat(throttle.stampedPolicy().getBaseLockoutMs()).isEqualTo(1_000);
        assertThat(throttle.stampedPolicy().getMaxLockoutMs()).isEqualTo(8_000);
        assertThat(throttle.stampedPolicy().getForgetAfterMs()).isEqualTo(60_000);
        assertThat(throttle.stampedPolicy().getMaxRecords()).isEqualTo(100);
    }

    private static void assertRefused(Runnable call, String message) {
        Throwable refused = catchThrowable(call::run);
        assertThat(Status.fromThrowable(refused).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused).hasMessageContaining(message);
    }
}
