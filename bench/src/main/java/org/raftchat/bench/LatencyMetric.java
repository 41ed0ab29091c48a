package org.raftchat.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency distribution of a run, in microseconds. Any number of threads record into it without
 * locking (an HdrHistogram {@link Recorder}); one thread at a time {@linkplain #takeInterval() takes}
 * what was recorded since the last take, which is also added to the run's {@linkplain #total() total}.
 */
final class LatencyMetric {

    /** Anything slower is recorded as this: one minute, far beyond every deadline of the run. */
    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);
    static final int SIGNIFICANT_DIGITS = 3;

    private final String name;
    private final Recorder recorder = new Recorder(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    private final Histogram total = new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    private Histogram recycled;

    LatencyMetric(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    /** Records one latency given in nanoseconds; negative values (clock quirks) count as 0. */
    void recordNanos(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        recorder.recordValue(Math.min(micros, HIGHEST_MICROS));
    }

    /** What was recorded since the previous take, with its wall-clock start and end; the caller must not keep it past the next take. */
    synchronized Histogram takeInterval() {
        Histogram interval = recorder.getIntervalHistogram(recycled);
        total.add(interval);
        recycled = interval;
        return interval;
    }

    /** Everything taken so far. Read it once recording has stopped and the last interval is taken. */
    synchronized Histogram total() {
        return total.copy();
    }
}
