package org.raftchat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration MIN = Duration.ofMillis(10);
    private static final Duration MAX = Duration.ofMillis(100);

    @RepeatedTest(20)
    void theNthPauseIsDrawnFromHalfToAllOfADoublingCeilingCappedAtMax() {
        // Goal: retry n pauses within [d/2, d], d = min * 2^(n-1) up to max; far retries stay at max.
        Backoff backoff = new Backoff(MIN, MAX);
        long[] ceilingsMs = {10, 20, 40, 80, 100, 100};
        for (int retry = 1; retry <= ceilingsMs.length; retry++) {
            assertThat(backoff.pause(retry).toNanos())
                    .isBetween(Duration.ofMillis(ceilingsMs[retry - 1]).toNanos() / 2, Duration.ofMillis(ceilingsMs[retry - 1]).toNanos());
        }
        assertThat(backoff.pause(10_000)).isBetween(MAX.dividedBy(2), MAX);
    }

    @RepeatedTest(20)
    void nextCountsTheRetriesOfOneCallAndResetStartsOver() {
        // Goal: next() walks the same ceilings as pause(1), pause(2), ...; reset() goes back to min.
        Backoff backoff = new Backoff(MIN, MAX);
        assertThat(backoff.next()).isBetween(MIN.dividedBy(2), MIN);
        assertThat(backoff.next()).isBetween(MIN, MIN.multipliedBy(2));
        assertThat(backoff.next()).isBetween(MIN.multipliedBy(2), MIN.multipliedBy(4));
        backoff.reset();
        assertThat(backoff.next()).isBetween(MIN.dividedBy(2), MIN);
    }

    @Test
    void minEqualToMaxPausesBetweenHalfAndMax() {
        Backoff backoff = new Backoff(MAX, MAX);
        for (int retry = 1; retry < 5; retry++) {
            assertThat(backoff.next()).isBetween(MAX.dividedBy(2), MAX);
        }
    }
}
