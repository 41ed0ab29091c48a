package org.raftchat.bench;

/**
 * When each operation of an open-loop load is meant to start: operation {@code i} at
 * {@code start + i / rate}, fixed in advance and independent of how long earlier operations took.
 * Measuring from these times, not from the moment a late sender got round to it, keeps a stall
 * from hiding the operations it delayed (coordinated omission).
 *
 * @param startNanos  {@link System#nanoTime} of operation 0
 * @param ratePerSec  operations per second, > 0
 */
record OpenLoopSchedule(long startNanos, long ratePerSec) {

    private static final long NANOS_PER_SEC = 1_000_000_000L;

    OpenLoopSchedule {
        if (ratePerSec <= 0 || ratePerSec > NANOS_PER_SEC) {
            throw new IllegalArgumentException("ratePerSec: must be in 1.." + NANOS_PER_SEC + ", got " + ratePerSec);
        }
    }

    /**
     * The intended start of operation {@code op} (0-based). Computed from the index, not by adding
     * intervals, so rounding never accumulates: op {@code rate} starts exactly one second in.
     */
    long intendedStart(long op) {
        if (op < 0) {
            throw new IllegalArgumentException("op: must be >= 0, got " + op);
        }
        return startNanos + Math.multiplyExact(op, NANOS_PER_SEC) / ratePerSec;
    }

    /** How many operations are meant to start before {@code nanos}: the index of the first one at or after it. */
    long opsBefore(long nanos) {
        long elapsed = nanos - startNanos;
        if (elapsed <= 0) {
            return 0;
        }
        // Smallest op with op * 1e9 / rate >= elapsed, i.e. ceil(elapsed * rate / 1e9).
        return Math.floorDiv(Math.multiplyExact(elapsed, ratePerSec) + NANOS_PER_SEC - 1, NANOS_PER_SEC);
    }
}
