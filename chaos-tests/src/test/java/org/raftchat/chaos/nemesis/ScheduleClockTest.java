package org.raftchat.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleClockTest {

    private long nowNanos = 1_000_000_000L;
    private final List<Long> slept = new ArrayList<>();
    private final ScheduleClock clock = new ScheduleClock(() -> nowNanos, millis -> {
        slept.add(millis);
        nowNanos += millis * 1_000_000L;
    });

    @Test
    void eventsThatEndInTimeRunWhenPlanned() throws InterruptedException {
        clock.awaitEvent(Duration.ofSeconds(10));
        nowNanos += Duration.ofMillis(300).toNanos(); // the inject took 0.3 s
        assertThat(clock.eventDone(Duration.ofSeconds(12))).isZero();

        clock.awaitEvent(Duration.ofSeconds(12));

        assertThat(slept).containsExactly(10_000L, 1_700L);
        assertThat(clock.delay()).isZero();
    }

    @Test
    void anEventThatOverrunsTheNextMovesEveryLaterEventByTheOverrunSoTheirSpacingStays() throws InterruptedException {
        // Goal: a heal that took 36 s (a whole cluster restarting after a power cut) must not make the
        // next fault and the one composed 5 s into it run back to back.
        clock.awaitEvent(Duration.ofSeconds(80));
        nowNanos += Duration.ofSeconds(36).toNanos(); // the heal
        assertThat(clock.eventDone(Duration.ofMillis(84_300))).isEqualTo(Duration.ofMillis(31_700));

        clock.awaitEvent(Duration.ofMillis(84_300)); // the next fault: due at once
        assertThat(clock.eventDone(Duration.ofMillis(89_600))).isZero();
        clock.awaitEvent(Duration.ofMillis(89_600)); // the one composed into it: 5.3 s later, as planned

        assertThat(slept).containsExactly(80_000L, 5_300L);
        assertThat(clock.delay()).isEqualTo(Duration.ofMillis(31_700));
    }

    @Test
    void overrunsAddUp() {
        nowNanos += Duration.ofSeconds(3).toNanos();
        clock.eventDone(Duration.ofSeconds(1));
        nowNanos += Duration.ofSeconds(4).toNanos();
        clock.eventDone(Duration.ofSeconds(4)); // due at 4 + 2 = 6 s, now 7 s

        assertThat(clock.delay()).isEqualTo(Duration.ofSeconds(3));
    }
}
