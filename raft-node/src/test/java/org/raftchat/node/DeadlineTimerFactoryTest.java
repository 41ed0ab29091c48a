package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alipay.sofa.jraft.util.JRaftServiceLoader;
import com.alipay.sofa.jraft.util.RepeatedTimer;
import com.alipay.sofa.jraft.util.timer.RaftTimerFactory;
import com.alipay.sofa.jraft.util.timer.Timeout;
import com.alipay.sofa.jraft.util.timer.Timer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlineTimerFactoryTest {

    private final Timer timer = new DeadlineTimerFactory().createTimer("test-timer");

    @AfterEach
    void stopTimer() {
        timer.stop();
    }

    @Test
    void sofaJraftLoadsThisFactoryInsteadOfItsDefault() {
        assertThat(JRaftServiceLoader.load(RaftTimerFactory.class).first()).isInstanceOf(DeadlineTimerFactory.class);
    }

    @Test
    void aTimeoutRunsOnceNotBeforeItsDelay() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        long startNanos = System.nanoTime();
        long[] ranAfterNanos = new long[1];
        Timeout timeout = timer.newTimeout(t -> {
            ranAfterNanos[0] = System.nanoTime() - startNanos;
            ran.countDown();
        }, 50, TimeUnit.MILLISECONDS);

        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ranAfterNanos[0]).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(timeout.isExpired()).isTrue();
        assertThat(timeout.cancel()).as("a timeout that ran cannot be cancelled").isFalse();
        assertThat(timeout.timer()).isSameAs(timer);
    }

    @Test
    void aRunningTimeoutIsExpiredAndCannotBeCancelled() throws InterruptedException {
        // Goal: as a wheel's timeout, one whose task has started reads as expired and refuses a cancel;
        // RepeatedTimer takes a successful cancel to mean the task will not run. (A ScheduledFuture
        // stays cancellable while its task runs and reads as done only after it returned.)
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Timeout timeout = timer.newTimeout(t -> {
            started.countDown();
            finish.await(10, TimeUnit.SECONDS);
        }, 1, TimeUnit.MILLISECONDS);

        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(timeout.isExpired()).isTrue();
        assertThat(timeout.cancel()).isFalse();
        assertThat(timeout.isCancelled()).isFalse();
        finish.countDown();
    }

    @Test
    void aCancelledTimeoutNeverRunsAndItsCancelSaysSo() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        Timeout cancelled = timer.newTimeout(t -> runs.incrementAndGet(), 100, TimeUnit.MILLISECONDS);
        CountDownLatch later = new CountDownLatch(1);
        timer.newTimeout(t -> later.countDown(), 300, TimeUnit.MILLISECONDS);

        assertThat(cancelled.cancel()).isTrue();
        assertThat(cancelled.isCancelled()).isTrue();
        assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(runs).hasValue(0);
    }

    @Test
    void aFailingTaskDoesNotStopTheTimer() throws InterruptedException {
        timer.newTimeout(t -> {
            throw new IllegalStateException("boom");
        }, 0, TimeUnit.MILLISECONDS);
        CountDownLatch next = new CountDownLatch(1);
        timer.newTimeout(t -> next.countDown(), 20, TimeUnit.MILLISECONDS);

        assertThat(next.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void stopDropsPendingTimeoutsAndRefusesNewOnes() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        timer.newTimeout(t -> runs.incrementAndGet(), 50, TimeUnit.MILLISECONDS);

        timer.stop();

        Thread.sleep(200);
        assertThat(runs).hasValue(0);
        assertThatThrownBy(() -> timer.newTimeout(t -> runs.incrementAndGet(), 1, TimeUnit.MILLISECONDS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped");
    }

    @Test
    void sofaJraftsRepeatedTimerFiresAgainAndAgainAndStops() throws InterruptedException {
        CountDownLatch threeTriggers = new CountDownLatch(3);
        AtomicInteger triggers = new AtomicInteger();
        RepeatedTimer repeated = new RepeatedTimer("test-repeated", 20, timer) {
            @Override
            protected void onTrigger() {
                triggers.incrementAndGet();
                threeTriggers.countDown();
            }
        };
        repeated.start();
        assertThat(threeTriggers.await(10, TimeUnit.SECONDS)).isTrue();

        repeated.stop();
        int afterStop = triggers.get();
        Thread.sleep(200);
        // At most one trigger that was already running when stop() was called.
        assertThat(triggers.get()).isLessThanOrEqualTo(afterStop + 1);
        repeated.destroy();
    }
}
