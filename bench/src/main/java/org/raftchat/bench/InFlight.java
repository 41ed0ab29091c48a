package org.raftchat.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Waiting for a count of calls in flight to drain, shared by the bench's writers and readers. */
final class InFlight {

    private InFlight() {
    }

    /** Waits up to {@code patience} for {@code outstanding} to reach 0; returns what is left. */
    static int awaitIdle(AtomicInteger outstanding, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        return outstanding.get();
    }
}
