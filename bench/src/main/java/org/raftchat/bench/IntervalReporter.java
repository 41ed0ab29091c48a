package org.raftchat.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * During the measured window, once per tick: each metric's interval histogram goes to its
 * {@code NAME.hlog}; every {@value #TICKS_PER_LINE} ticks a progress line shows the recent rate
 * and commit latency (acknowledgements of writes that started in the window), or, after the
 * window, how many writes are still draining. Called from one timer thread (and the run's thread for begin and finish).
 */
final class IntervalReporter {

    private static final int TICKS_PER_LINE = 5;

    private final Path dir;
    private final List<LatencyMetric> metrics;
    private final LatencyMetric commit;
    private final RunCounters counters;
    private final PrintWriter progress;
    private final String comment;
    private final MeasurementWindow window;
    private final LongSupplier outstandingWrites;
    private final List<HistogramLogFile> logs = new ArrayList<>();
    /** Null unless the run is a soak. */
    private final SoakRecorder soak;
    private final Histogram recentCommit = new Histogram(LatencyMetric.HIGHEST_MICROS, LatencyMetric.SIGNIFICANT_DIGITS);
    private long beganNanos;
    private long lastLineNanos;
    private long lastLineAcks;
    private int ticks;
    private boolean finished;

    IntervalReporter(Path dir, List<LatencyMetric> metrics, LatencyMetric commit, RunCounters counters,
                     PrintWriter progress, String comment, MeasurementWindow window, LongSupplier outstandingWrites,
                     SoakRecorder soak) {
        this.soak = soak;
        this.window = window;
        this.outstandingWrites = outstandingWrites;
        this.dir = dir;
        this.metrics = List.copyOf(metrics);
        this.commit = commit;
        this.counters = counters;
        this.progress = progress;
        this.comment = comment;
    }

    /** At the start of the window: drops what warm-up left (nothing is recorded then) and opens the logs. */
    synchronized void begin() {
        metrics.forEach(LatencyMetric::takeInterval);
        long nowMs = System.currentTimeMillis();
        for (LatencyMetric metric : metrics) {
            logs.add(new HistogramLogFile(dir.resolve(metric.name() + ".hlog"), nowMs, comment + "; " + metric.name()));
        }
        beganNanos = lastLineNanos = System.nanoTime();
        lastLineAcks = counters.ackInWindow.sum();
        if (soak != null) {
            soak.begin(window.startNanos(), lastLineAcks, failures());
        }
    }

    synchronized void tick() {
        if (logs.isEmpty() || finished) {
            return;
        }
        for (int i = 0; i < metrics.size(); i++) {
            Histogram interval = metrics.get(i).takeInterval();
            logs.get(i).append(interval);
            if (metrics.get(i) == commit) {
                recentCommit.add(interval);
            }
            if (soak != null) {
                soak.add(metrics.get(i).name(), interval);
            }
        }
        if (soak != null) {
            soak.tick(System.nanoTime(), counters.ackInWindow.sum(), failures());
        }
        if (++ticks % TICKS_PER_LINE == 0) {
            printLine();
        }
    }

    /** Logs the last interval and closes the logs; later ticks do nothing. */
    synchronized void finish() {
        if (finished) {
            return;
        }
        if (logs.isEmpty()) {
            begin();
        }
        tick();
        if (soak != null) {
            soak.finish(counters.ackInWindow.sum(), failures());
        }
        finished = true;
        logs.forEach(HistogramLogFile::close);
    }

    /** Writes and reads that failed for good. */
    private long failures() {
        return counters.errors.sum() + counters.readErrors.sum();
    }

    private void printLine() {
        long now = System.nanoTime();
        long seconds = Math.round((now - beganNanos) / 1e9);
        if (now - window.endNanos() >= 0) {
            progress.println(String.format(Locale.ROOT, "  %3d s: draining, %d writes outstanding", seconds, outstandingWrites.getAsLong()));
        } else {
            long acks = counters.ackInWindow.sum();
            double rate = (acks - lastLineAcks) / ((now - lastLineNanos) / 1e9);
            progress.println(String.format(Locale.ROOT, "  %3d s: %8.0f acks/s   commit p50 %s  p99 %s ms   errors %d, retries %d",
                    seconds, rate, recentMs(50), recentMs(99), counters.errors.sum(), counters.retries.sum()));
            lastLineAcks = acks;
        }
        progress.flush();
        recentCommit.reset();
        lastLineNanos = now;
    }

    private String recentMs(double percentile) {
        return recentCommit.getTotalCount() == 0 ? ResultTable.NO_DATA
                : TextTables.ms(recentCommit.getValueAtPercentile(percentile) / 1000.0);
    }
}
