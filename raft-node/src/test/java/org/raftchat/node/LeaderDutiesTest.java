package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Leader duties run on a real timer while the node leads, and not before or after. */
class LeaderDutiesTest {

    private static final long PERIOD_MS = 5;
    /** Many periods: long enough that a duty that should run would have, many times over. */
    private static final long QUIET_MS = 150;

    private final ScheduledThreadPoolExecutor timer = removingCancelled(new ScheduledThreadPoolExecutor(1));
    private final LeaderDuties duties = new LeaderDuties(timer);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void aFollowerRunsNoDutyAndArmsNothingOnTheTimer() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        duties.add("count", PERIOD_MS, runs::incrementAndGet);

        Thread.sleep(QUIET_MS);

        assertThat(runs).hasValue(0);
        assertThat(timer.getQueue()).isEmpty();
    }

    @Test
    void aLeaderRunsEachDutyEveryPeriodUntilItStopsLeading() throws InterruptedException {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        duties.add("first", PERIOD_MS, first::incrementAndGet);
        duties.add("second", PERIOD_MS, second::incrementAndGet);

        duties.startLeading();
        awaitAtLeast(first, 3);
        awaitAtLeast(second, 3);
        duties.stopLeading();
        // A run already started when the cancel came may still finish: wait for it, then watch.
        Thread.sleep(PERIOD_MS * 4);
        int firstAtStop = first.get();
        int secondAtStop = second.get();
        Thread.sleep(QUIET_MS);

        assertThat(first).hasValue(firstAtStop);
        assertThat(second).hasValue(secondAtStop);
        assertThat(timer.getQueue()).isEmpty();
        assertThat(duties.leading()).isFalse();
    }

    @Test
    void aDutyAddedWhileLeadingStartsAtOnceAndLeadingAgainRearmsIt() throws InterruptedException {
        duties.startLeading();
        AtomicInteger runs = new AtomicInteger();
        duties.add("late", PERIOD_MS, runs::incrementAndGet);
        awaitAtLeast(runs, 2);

        duties.stopLeading();
        Thread.sleep(PERIOD_MS * 4);
        int atStop = runs.get();
        duties.startLeading();
        awaitAtLeast(runs, atStop + 2);
    }

    @Test
    void leadingTwiceInARowArmsEachDutyOnce() {
        duties.add("once", 60_000, () -> { });
        duties.startLeading();
        duties.startLeading();

        assertThat(timer.getQueue()).hasSize(1);
    }

    @Test
    void aDutyThatThrowsStillRunsAtItsNextPeriodAndWarnsOncePerRunOfFailures() {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Logger logger = (Logger) LoggerFactory.getLogger(LeaderDuties.class);
        logger.addAppender(lines);
        try {
            AtomicInteger runs = new AtomicInteger();
            duties.add("failing", PERIOD_MS, () -> {
                if (runs.incrementAndGet() <= 3) {
                    throw new IllegalStateException("the state is closed");
                }
            });

            duties.startLeading();
            awaitAtLeast(runs, 5);

            assertThat(lines.list).filteredOn(line -> line.getLevel() == Level.WARN).singleElement()
                    .satisfies(line -> assertThat(line.getFormattedMessage()).contains("failing"));
            assertThat(lines.list).filteredOn(line -> line.getLevel() == Level.INFO).singleElement()
                    .satisfies(line -> assertThat(line.getFormattedMessage()).contains("runs again"));
        } finally {
            logger.detachAppender(lines);
        }
    }

    @Test
    void leadingOnAStoppedTimerDoesNotThrow() {
        // Goal: a node that becomes leader while it closes (its timer already stopped) closes cleanly.
        ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
        stopped.shutdownNow();
        LeaderDuties closing = new LeaderDuties(stopped);
        closing.add("never", PERIOD_MS, () -> { });

        assertThatCode(closing::startLeading).doesNotThrowAnyException();
        assertThatCode(closing::stopLeading).doesNotThrowAnyException();
    }

    @Test
    void aPeriodOfZeroIsRefused() {
        assertThatThrownBy(() -> duties.add("zero", 0, () -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zero");
    }

    /** So that the timer's queue shows what is armed, not what was cancelled and not yet due. */
    private static ScheduledThreadPoolExecutor removingCancelled(ScheduledThreadPoolExecutor executor) {
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private static void awaitAtLeast(AtomicInteger counter, int runs) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> counter.get() >= runs);
    }
}
