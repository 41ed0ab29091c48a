package org.raftchat.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Closed loop: K chains of writes, each starting its next write when the previous one completes,
 * so exactly K are outstanding until the end time. A write's latency counts from its actual start,
 * which in a closed loop is its intended start.
 */
final class ClosedLoopDriver implements LoadDriver {

    private final PostSender sender;
    private final int inFlight;
    private final long startNanos;
    private final long endNanos;
    private final AtomicLong nextOp = new AtomicLong();
    private volatile boolean stopped;

    ClosedLoopDriver(PostSender sender, int inFlight, long startNanos, long endNanos) {
        this.sender = sender;
        this.inFlight = inFlight;
        this.startNanos = startNanos;
        this.endNanos = endNanos;
    }

    @Override
    public void start() {
        long wait;
        while ((wait = startNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
        for (int i = 0; i < inFlight; i++) {
            next();
        }
    }

    /** Starts the next write of a chain, or ends the chain at the end time. */
    private void next() {
        long now = System.nanoTime();
        if (stopped || now - endNanos >= 0) {
            return;
        }
        sender.post(nextOp.getAndIncrement(), now, this::next);
    }

    @Override
    public void awaitEnd() throws InterruptedException {
        // Chains end on their next completion after the end time; writes still stuck then are the sender's to drain.
        long wait = endNanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    @Override
    public void stop() {
        stopped = true;
    }
}
