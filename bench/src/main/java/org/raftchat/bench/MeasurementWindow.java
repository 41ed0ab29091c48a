package org.raftchat.bench;

import java.time.Duration;

/**
 * The measured part of a run, in {@link System#nanoTime} terms: {@code [startNanos, endNanos)}.
 * An operation belongs to the window when its intended start does; throughput counts the
 * acknowledgements that arrive inside it.
 */
record MeasurementWindow(long startNanos, long endNanos) {

    MeasurementWindow {
        if (endNanos - startNanos <= 0) {
            throw new IllegalArgumentException("the window must end after it starts");
        }
    }

    static MeasurementWindow after(long loadStartNanos, Duration warmup, Duration duration) {
        long start = loadStartNanos + warmup.toNanos();
        return new MeasurementWindow(start, start + duration.toNanos());
    }

    /** Overflow-safe, as nanoTime values may wrap: compares differences, never the values themselves. */
    boolean contains(long nanos) {
        return nanos - startNanos >= 0 && nanos - endNanos < 0;
    }

    double seconds() {
        return (endNanos - startNanos) / 1e9;
    }
}
