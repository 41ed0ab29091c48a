package org.raftchat.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Made-up results for the writer tests: fixed figures, so the tests can look for them. */
public final class SampleResults {

    static final List<String> ADDRESSES = List.of("127.0.0.1:9101", "127.0.0.1:9102", "127.0.0.1:9103");

    private SampleResults() {
    }

    static BenchConfig config(LoadShape shape) {
        return new BenchConfig(ADDRESSES, shape, 500, 16, Duration.ofSeconds(20), Duration.ofSeconds(5), 4, 256, 2, 2,
                200, Path.of("out"));
    }

    /** Microsecond histograms: commit 1..10 ms, delivery 2..20 ms, and no reads. */
    static Map<String, Histogram> histograms() {
        Map<String, Histogram> h = new LinkedHashMap<>();
        h.put(BenchResult.COMMIT, uniform(1_000, 10_000));
        h.put(BenchResult.DELIVERY, uniform(2_000, 20_000));
        h.put(BenchResult.FOLLOWER_READ, new Histogram(LatencyMetric.HIGHEST_MICROS, LatencyMetric.SIGNIFICANT_DIGITS));
        return h;
    }

    public static BenchResult result(LoadShape shape) {
        Map<String, LatencySummary> latency = new LinkedHashMap<>();
        histograms().forEach((name, histogram) -> latency.put(name, LatencySummary.of(histogram)));
        Counts counts = new Counts(10_000, 9_990, 10, 7, 3, 4_995, 0, 0, 0, 1.25,
                Map.of("UNAVAILABLE", 7L), Map.of("UNAVAILABLE", "UNAVAILABLE: the write was not confirmed"));
        ClusterView view = new ClusterView(ADDRESSES.get(0), ADDRESSES.subList(1, 3),
                Map.of(ADDRESSES.get(0), "n1", ADDRESSES.get(1), "n2", ADDRESSES.get(2), "n3"));
        MachineInfo machine = new MachineInfo(2, "Test CPU", "17.0.15", "OpenJDK 64-Bit Server VM", "Linux 6.1", "amd64", 1024);
        return new BenchResult(BenchResult.SCHEMA_VERSION, "0123456789ab", "2025-01-02T03:04:05Z",
                BenchResult.Parameters.of(config(shape)), BenchResult.Cluster.of(view), machine, 20.0, 499.5, counts, latency);
    }

    /** {@link #result} of a mixed soak: with server figures, 2,000 online sessions and two soak rows. */
    static BenchResult mixedSoak() {
        BenchResult r = result(LoadShape.OPEN);
        return new BenchResult(r.schemaVersion(), r.runId(), r.startedAt(), r.parameters(), r.cluster(), r.machine(),
                r.measuredSeconds(), r.throughputMsgsPerSec(), r.counts(), r.latencyMs(),
                new BenchResult.ServerUsage(3, 2.33, 11.65, 233.0, 912.5, 48.25),
                new BenchResult.Presence(2000, 10, 4000, 3998, 2, 10_100, 1.01),
                List.of(new SoakRow(1, 10, 500, 9.5, 2.25, 14, 0, 230, 900, 40),
                        new SoakRow(2, 20, 499, 9.75, 2.5, 15, 2, 236, 912.5, 48.25)));
    }

    private static Histogram uniform(long fromMicros, long toMicros) {
        Histogram h = new Histogram(LatencyMetric.HIGHEST_MICROS, LatencyMetric.SIGNIFICANT_DIGITS);
        for (long v = fromMicros; v <= toMicros; v += 10) {
            h.recordValue(v);
        }
        return h;
    }
}
