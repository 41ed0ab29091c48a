package org.raftchat.chaos.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.raftchat.chaos.history.HistoryData;
import org.raftchat.chaos.history.OpFunction;
import org.raftchat.chaos.history.OpPair;

/**
 * POST throughput and latency per fixed-width time bucket, what the report's charts plot.
 *
 * <p>Throughput counts completions in the bucket they completed in. Latency percentiles group
 * every completed POST (any outcome: a timeout's latency is the deadline, which is the point)
 * by the bucket it was invoked in, so a slow request shows where it was sent. A bucket without
 * samples has NaN latencies, drawn as a gap.
 */
final class TimeSeries {

    final long bucketNanos;
    final int buckets;
    final double[] okPosts;
    final double[] failedPosts;
    final double[] p50Millis;
    final double[] p99Millis;
    final double[] maxMillis;

    private TimeSeries(long bucketNanos, int buckets) {
        this.bucketNanos = bucketNanos;
        this.buckets = buckets;
        this.okPosts = new double[buckets];
        this.failedPosts = new double[buckets];
        this.p50Millis = new double[buckets];
        this.p99Millis = new double[buckets];
        this.maxMillis = new double[buckets];
    }

    static TimeSeries of(HistoryData data, long bucketNanos) {
        int buckets = (int) Math.max(1, (data.endNanos() + bucketNanos - 1) / bucketNanos);
        TimeSeries series = new TimeSeries(bucketNanos, buckets);
        List<OpPair> completedPosts = data.pairs().stream()
                .filter(p -> p.invoke().f() == OpFunction.POST && p.completion() != null)
                .toList();
        series.countThroughput(completedPosts);
        series.computeLatency(completedPosts);
        return series;
    }

    /** The length of the plotted time axis in seconds. */
    double seconds() {
        return buckets * (bucketNanos / 1e9);
    }

    private void countThroughput(List<OpPair> posts) {
        for (OpPair post : posts) {
            int b = bucket(post.completion().timeNanos());
            if (post.succeeded()) {
                okPosts[b]++;
            } else {
                failedPosts[b]++;
            }
        }
    }

    private void computeLatency(List<OpPair> posts) {
        List<List<Double>> samples = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            samples.add(new ArrayList<>());
        }
        posts.forEach(p -> samples.get(bucket(p.invoke().timeNanos())).add(p.latencyNanos() / 1e6));
        for (int b = 0; b < buckets; b++) {
            double[] sorted = samples.get(b).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            p50Millis[b] = percentile(sorted, 0.50);
            p99Millis[b] = percentile(sorted, 0.99);
            maxMillis[b] = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
        }
    }

    private int bucket(long timeNanos) {
        return (int) Math.min(buckets - 1, Math.max(0, timeNanos / bucketNanos));
    }

    /** Nearest-rank percentile of sorted values; NaN if there are none. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    static double max(double[] values) {
        return Arrays.stream(values).filter(v -> !Double.isNaN(v)).max().orElse(0);
    }

    static double minPositive(double[] values) {
        return Arrays.stream(values).filter(v -> v > 0).min().orElse(Double.NaN);
    }
}
