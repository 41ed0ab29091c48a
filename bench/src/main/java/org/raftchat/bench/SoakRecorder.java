package org.raftchat.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Cuts a long run into rows of fixed length (a minute by default), so a soak shows whether latency,
 * memory and disk stay flat: per row the rate, the p99 of each latency, the errors, server CPU per
 * acknowledged post, and the nodes' memory and disk at the row's end. Fed by one thread (the
 * interval reporter): each tick's interval histograms, then {@link #tick} to close a row when due.
 */
final class SoakRecorder {

    private final long rowNanos;
    private final long windowEndNanos;
    private final Supplier<ServerSample> server;
    private final Map<String, Histogram> current = new HashMap<>();
    private final List<SoakRow> rows = new ArrayList<>();
    private long rowStartNanos;
    private long windowStartNanos;
    private long acksAtRowStart;
    private long errorsAtRowStart;
    private ServerSample serverAtRowStart = ServerSample.NONE;

    /** {@code windowEndNanos}: the last row ends there, and takes the latencies of writes that were still draining. */
    SoakRecorder(java.time.Duration row, long windowEndNanos, Supplier<ServerSample> server) {
        if (row.isNegative() || row.isZero()) {
            throw new IllegalArgumentException("row: must be > 0");
        }
        this.rowNanos = row.toNanos();
        this.windowEndNanos = windowEndNanos;
        this.server = server;
    }

    /** The window starts (at {@code windowStartNanos}, which rows count from); {@code acks} and {@code errors} so far. */
    void begin(long windowStartNanos, long acks, long errors) {
        this.windowStartNanos = rowStartNanos = windowStartNanos;
        acksAtRowStart = acks;
        errorsAtRowStart = errors;
        serverAtRowStart = server.get();
        current.clear();
    }

    /** Adds one tick's interval of {@code metric} to the open row. */
    void add(String metric, Histogram interval) {
        current.computeIfAbsent(metric, m -> new Histogram(LatencyMetric.HIGHEST_MICROS, LatencyMetric.SIGNIFICANT_DIGITS))
                .add(interval);
    }

    /**
     * Closes the open row if it has lasted a full row length and the window is still on; {@code acks}
     * and {@code errors} are the run's totals so far. The row open at the window's end is left to {@link #finish}.
     */
    void tick(long nowNanos, long acks, long errors) {
        long rowEnd = rowStartNanos + rowNanos;
        if (nowNanos - rowEnd >= 0 && nowNanos - windowEndNanos < 0) {
            // Rows keep to the nominal grid (a minute, two ...), not to the tick that happened to close them.
            close(rowEnd, acks, errors);
        }
    }

    /** After the window and the drain: closes the last row, which ends at the window's end. */
    void finish(long acks, long errors) {
        if (windowEndNanos - rowStartNanos > 0) {
            close(windowEndNanos, acks, errors);
        }
    }

    List<SoakRow> rows() {
        return List.copyOf(rows);
    }

    private void close(long rowEndNanos, long acks, long errors) {
        double seconds = (rowEndNanos - rowStartNanos) / 1e9;
        long rowAcks = acks - acksAtRowStart;
        ServerSample end = server.get();
        long cpuMicros = end.cpuMicrosSince(serverAtRowStart);
        rows.add(new SoakRow(rows.size() + 1, round((rowEndNanos - windowStartNanos) / 1e9), round(rowAcks / seconds),
                p99Ms(BenchResult.COMMIT), p99Ms(BenchResult.FOLLOWER_READ), p99Ms(BenchResult.DELIVERY), errors - errorsAtRowStart,
                cpuMicros < 0 || rowAcks == 0 ? -1 : round((double) cpuMicros / rowAcks),
                end.rssBytes() < 0 ? -1 : round(end.rssBytes() / 1048576.0),
                end.diskBytes() < 0 ? -1 : round(end.diskBytes() / 1048576.0)));
        rowStartNanos = rowEndNanos;
        acksAtRowStart = acks;
        errorsAtRowStart = errors;
        serverAtRowStart = end;
        current.clear();
    }

    /** -1 when nothing was recorded in the row. */
    private double p99Ms(String metric) {
        Histogram h = current.get(metric);
        return h == null || h.getTotalCount() == 0 ? -1 : round(h.getValueAtPercentile(99) / 1000.0);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
