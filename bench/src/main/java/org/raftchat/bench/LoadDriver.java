package org.raftchat.bench;

/** Starts writes through a {@link PostSender} in one of the two {@link LoadShape}s until an end time. */
sealed interface LoadDriver permits OpenLoopDriver, ClosedLoopDriver {

    static LoadDriver of(BenchConfig config, PostSender sender, long startNanos, long endNanos) {
        return switch (config.shape()) {
            case OPEN -> new OpenLoopDriver(sender, new OpenLoopSchedule(startNanos, config.ratePerSec()), endNanos);
            case CLOSED -> new ClosedLoopDriver(sender, config.inFlight(), startNanos, endNanos);
        };
    }

    void start();

    /** Returns once no new write will be started; writes in flight may still be outstanding. */
    void awaitEnd() throws InterruptedException;

    /** Stops starting writes early (interrupted run). */
    void stop();
}
