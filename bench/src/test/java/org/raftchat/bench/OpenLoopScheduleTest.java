package org.raftchat.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {

    @Test
    void intendedStartsAreFixedIntervalsFromTheStart() {
        // Goal: op i is meant to start at start + i / rate, e.g. every 2 ms at 500/s.
        OpenLoopSchedule schedule = new OpenLoopSchedule(1_000, 500);

        assertThat(schedule.intendedStart(0)).isEqualTo(1_000);
        assertThat(schedule.intendedStart(1)).isEqualTo(1_000 + 2_000_000);
        assertThat(schedule.intendedStart(500)).isEqualTo(1_000 + 1_000_000_000L);
    }

    @Test
    void roundingNeverAccumulatesOverARun() {
        // Goal: with a rate that does not divide a second, op k*rate still lands on exactly k seconds.
        OpenLoopSchedule schedule = new OpenLoopSchedule(0, 3);

        assertThat(schedule.intendedStart(1)).isEqualTo(333_333_333);
        assertThat(schedule.intendedStart(2)).isEqualTo(666_666_666);
        assertThat(schedule.intendedStart(3)).isEqualTo(1_000_000_000);
        assertThat(schedule.intendedStart(3 * 3_600)).isEqualTo(3_600_000_000_000L);
    }

    @Test
    void startTimesNearTheNanoTimeWrapStillIncrease() {
        // Goal: nanoTime may be negative or near overflow; intended starts still go up by the interval.
        OpenLoopSchedule schedule = new OpenLoopSchedule(Long.MAX_VALUE - 1_000_000, 2_000);

        assertThat(schedule.intendedStart(1) - schedule.intendedStart(0)).isEqualTo(500_000);
        assertThat(schedule.intendedStart(4) - schedule.intendedStart(0)).isEqualTo(2_000_000);
    }

    @Test
    void opsBeforeCountsTheIntendedStartsEarlierThanATime() {
        // Goal: opsBefore(t) is the number of ops meant to start before t, the inverse of intendedStart.
        OpenLoopSchedule schedule = new OpenLoopSchedule(0, 2_000);

        assertThat(schedule.opsBefore(0)).isZero();
        assertThat(schedule.opsBefore(1)).isEqualTo(1);
        assertThat(schedule.opsBefore(500_000)).isEqualTo(1);
        assertThat(schedule.opsBefore(500_001)).isEqualTo(2);
        assertThat(schedule.opsBefore(1_000_000_000)).isEqualTo(2_000);
        for (long op = 0; op < 100; op++) {
            assertThat(schedule.opsBefore(schedule.intendedStart(op))).isEqualTo(op);
        }
    }

    @Test
    void aRateOutsideItsRangeIsRefused() {
        // Goal: a zero or negative rate is a programming error, caught at construction.
        assertThatThrownBy(() -> new OpenLoopSchedule(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OpenLoopSchedule(0, -5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePacerFiresEveryOpOfTheScheduleWithItsIntendedStart() throws InterruptedException {
        // Goal: the pacer passes each op's intended start (not the time it got round to it) and stops at the end time.
        long start = System.nanoTime();
        OpenLoopSchedule schedule = new OpenLoopSchedule(start, 1_000);
        long end = schedule.intendedStart(40);
        List<long[]> fired = new CopyOnWriteArrayList<>();

        OpenLoopPacer pacer = new OpenLoopPacer("test-pacer", schedule, end, (op, intended) -> fired.add(new long[] {op, intended}));
        pacer.start();
        pacer.join();

        List<Long> expected = new ArrayList<>();
        for (long op = 0; op < 40; op++) {
            expected.add(schedule.intendedStart(op));
        }
        assertThat(fired).hasSize(40);
        assertThat(fired.stream().map(f -> f[1]).toList()).isEqualTo(expected);
        assertThat(fired.stream().map(f -> f[0]).toList()).isSorted().first().isEqualTo(0L);
        assertThat(pacer.fired()).isEqualTo(40);
    }

    @Test
    void aMeasurementWindowContainsItsStartButNotItsEnd() {
        // Goal: the window is half-open, so back-to-back windows never count an op twice.
        MeasurementWindow window = new MeasurementWindow(100, 200);

        assertThat(window.contains(99)).isFalse();
        assertThat(window.contains(100)).isTrue();
        assertThat(window.contains(199)).isTrue();
        assertThat(window.contains(200)).isFalse();
        assertThat(window.seconds()).isEqualTo(100e-9);
    }
}
