package org.raftchat.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.HdrHistogram.Histogram;

/** A latency distribution in milliseconds: the figures the table, the JSON and the summary show. All 0 when {@code count} is 0. */
@JsonPropertyOrder({"count", "p50", "p90", "p99", "p99_9", "max", "mean"})
public record LatencySummary(long count, double p50, double p90, double p99, @JsonProperty("p99_9") double p999,
                             double max, double mean) {

    /** Summarizes a histogram of microseconds. */
    public static LatencySummary of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(micros.getTotalCount(),
                ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
                ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)),
                ms(micros.getMaxValue()), Math.round(micros.getMean()) / 1000.0);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
