package org.raftchat.chaos.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.raftchat.chaos.testing.Scenario;

class TimeSeriesTest {

    @Test
    void percentileIsNearestRank() {
        // Goal: p50 / p99 / max come from the sorted samples without interpolation.
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

        assertThat(TimeSeries.percentile(sorted, 0.50)).isEqualTo(5);
        assertThat(TimeSeries.percentile(sorted, 0.99)).isEqualTo(10);
        assertThat(TimeSeries.percentile(new double[] {7}, 0.50)).isEqualTo(7);
        assertThat(TimeSeries.percentile(new double[0], 0.50)).isNaN();
    }

    @Test
    void postsAreBucketedBySecondOkApartFromFailedAndUnknown() {
        // Goal: throughput counts completions per second, OK separately from FAIL + INFO.
        Scenario s = new Scenario();
        s.okPost(0, "a", 1);
        s.okPost(0, "b", 2);
        s.idle(1_500);
        s.infoPost(0, "c");
        s.failedPost(0, "d");

        TimeSeries ts = TimeSeries.of(s.data(), 1_000_000_000L);

        assertThat(ts.buckets).isEqualTo(2);
        assertThat(ts.okPosts).containsExactly(2, 0);
        assertThat(ts.failedPosts).containsExactly(0, 2);
        assertThat(ts.p50Millis[0]).isEqualTo(1.0);
    }

    @Test
    void logScaleSpansThePowersOfTenAroundTheData() {
        // Goal: 0.4 ms .. 2.5 s plots on gridlines 0.1 ms .. 10 s, values placed by their logarithm.
        YScale y = YScale.logMillis(0.4, 2_500);

        assertThat(y.ticks()).extracting(YScale.Tick::label).containsExactly(
                "0.1 ms", "1 ms", "10 ms", "100 ms", "1 s", "10 s");
        assertThat(y.fraction(0.1)).isZero();
        assertThat(y.fraction(10_000)).isEqualTo(1.0);
        assertThat(y.fraction(10)).isEqualTo(0.4);
    }
}
