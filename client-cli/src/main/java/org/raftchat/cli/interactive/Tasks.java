package org.raftchat.cli.interactive;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Background work of the chat screen: daemon threads, and tasks whose failures are logged, not fatal. */
final class Tasks {

    private static final Logger log = LoggerFactory.getLogger(Tasks.class);

    private Tasks() {
    }

    static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code task} once after {@code delay}; nothing when the scheduler is shut down (the session is ending). */
    static void schedule(ScheduledExecutorService scheduler, Runnable task, Duration delay) {
        try {
            scheduler.schedule(quietly(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // The session is ending.
        }
    }

    /** A failed background call must not cancel its periodic task; the next run tries again. */
    static Runnable quietly(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.debug("background task failed", e);
            }
        };
    }
}
