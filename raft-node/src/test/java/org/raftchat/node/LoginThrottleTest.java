package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Status;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final AtomicLong nowNanos = new AtomicLong(1_000);
    private final LoginThrottle throttle = new LoginThrottle(3, 1_000, 8_000, nowNanos::get);

    @Test
    void theFirstFailuresAreFreeThenEachFailureDoublesTheWaitUpToTheMax() {
        for (int i = 0; i < 2; i++) {
            throttle.failed("alice");
            assertThatCode(() -> throttle.requireAllowed("alice")).doesNotThrowAnyException();
        }
        throttle.failed("alice"); // the third in a row: 1 s
        assertLockedFor("alice", 1_000);
        throttle.failed("alice");
        assertLockedFor("alice", 2_000);
        for (int i = 0; i < 10; i++) {
            throttle.failed("alice");
        }
        assertLockedFor("alice", 8_000);
        assertThatCode(() -> throttle.requireAllowed("bob")).as("per username").doesNotThrowAnyException();
    }

    @Test
    void aCorrectPasswordResetsTheCount() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("alice");
        }
        advanceMs(1_000);
        throttle.succeeded("alice");
        throttle.failed("alice");
        assertThatCode(() -> throttle.requireAllowed("alice")).doesNotThrowAnyException();
    }

    private void assertLockedFor(String user, long ms) {
        Throwable refused = catchThrowable(() -> throttle.requireAllowed(user));
        assertThat(Status.fromThrowable(refused).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused).hasMessageContaining("wait " + Math.max(1, ms / 1000) + " s");
        advanceMs(ms - 1);
        assertThat(catchThrowable(() -> throttle.requireAllowed(user))).isNotNull();
        advanceMs(1);
        assertThatCode(() -> throttle.requireAllowed(user)).doesNotThrowAnyException();
    }

    private void advanceMs(long ms) {
        nowNanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }
}
