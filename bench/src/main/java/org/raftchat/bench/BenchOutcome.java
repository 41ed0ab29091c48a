package org.raftchat.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** A finished run: its figures, and the whole histograms (microseconds) behind them, for the plot. */
public record BenchOutcome(BenchResult result, Map<String, Histogram> histograms) {

    public BenchOutcome {
        histograms = Collections.unmodifiableMap(new LinkedHashMap<>(histograms));
    }
}
