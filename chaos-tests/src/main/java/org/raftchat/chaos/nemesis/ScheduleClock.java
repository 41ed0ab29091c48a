package org.raftchat.chaos.nemesis;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When each event of a {@link Schedule} runs. An inject or heal that takes longer than the time to
 * the next event (a whole cluster restarting after a power cut can take half a minute on two cores)
 * delays every later event by its overrun, so the schedule keeps its spacing: a fault composed
 * 5 s into another still starts 5 s into it. Without this the late events ran back to back, and a
 * membership change was asked for while the partition around it, meant to last 12 s, had only just
 * gone in on a cluster that had only just restarted.
 */
public final class ScheduleClock {

    /** Sleeps the given milliseconds. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final long startNanos;
    private long delayNanos;

    public ScheduleClock(LongSupplier nanoTime, Sleeper sleeper) {
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.startNanos = nanoTime.getAsLong();
    }

    public static ScheduleClock startingNow() {
        return new ScheduleClock(System::nanoTime, Thread::sleep);
    }

    /** Sleeps until the event planned at {@code at} is due. */
    public void awaitEvent(Duration at) throws InterruptedException {
        long waitMs = (dueNanos(at) - nanoTime.getAsLong()) / 1_000_000;
        if (waitMs > 0) {
            sleeper.sleep(waitMs);
        }
    }

    /**
     * An event has been carried out and the next one is planned at {@code nextAt}: if that time has
     * already passed, it and every later event move by the difference.
     *
     * @return how far the later events moved (zero if the next one is not due yet)
     */
    public Duration eventDone(Duration nextAt) {
        long overrunNanos = nanoTime.getAsLong() - dueNanos(nextAt);
        if (overrunNanos <= 0) {
            return Duration.ZERO;
        }
        delayNanos += overrunNanos;
        return Duration.ofNanos(overrunNanos);
    }

    /** How far behind its plan the schedule now runs. */
    public Duration delay() {
        return Duration.ofNanos(delayNanos);
    }

    private long dueNanos(Duration at) {
        return startNanos + delayNanos + at.toNanos();
    }
}
