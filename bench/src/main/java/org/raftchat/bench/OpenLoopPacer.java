package org.raftchat.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Fires an action at each intended start of an {@link OpenLoopSchedule} until an end time, on a
 * thread of its own. A pacer that falls behind (a GC pause, a busy CPU) fires the late operations
 * at once, each still with its intended start, so their latency includes the delay.
 */
final class OpenLoopPacer {

    /** Starts one operation; must not block (it holds up every later one). */
    @FunctionalInterface
    interface Action {
        void fire(long op, long intendedStartNanos);
    }

    private final OpenLoopSchedule schedule;
    private final long endNanos;
    private final Action action;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long fired;

    OpenLoopPacer(String name, OpenLoopSchedule schedule, long endNanos, Action action) {
        this.schedule = schedule;
        this.endNanos = endNanos;
        this.action = action;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Waits until the last operation before the end time has been fired, or the pacer was stopped. */
    void join() throws InterruptedException {
        thread.join();
    }

    /** Stops firing; operations already fired go on. */
    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    long fired() {
        return fired;
    }

    private void run() {
        for (long op = 0; !stopped; op++) {
            long intended = schedule.intendedStart(op);
            if (intended - endNanos >= 0 || !sleepUntil(intended)) {
                return;
            }
            action.fire(op, intended);
            fired = op + 1;
        }
    }

    /** Parks until {@code nanos}; false if stopped meanwhile. Park may return early, hence the loop. */
    private boolean sleepUntil(long nanos) {
        long remaining;
        while (!stopped && (remaining = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(100)));
        }
        return !stopped;
    }
}
