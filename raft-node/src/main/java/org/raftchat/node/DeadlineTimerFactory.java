package org.raftchat.node;

import com.alipay.sofa.jraft.util.NamedThreadFactory;
import com.alipay.sofa.jraft.util.SPI;
import com.alipay.sofa.jraft.util.timer.DefaultRaftTimerFactory;
import com.alipay.sofa.jraft.util.timer.Timeout;
import com.alipay.sofa.jraft.util.timer.Timer;
import com.alipay.sofa.jraft.util.timer.TimerTask;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SOFAJRaft's timers (election, vote, step-down, snapshot) as threads that sleep until the next
 * deadline, instead of hashed wheels that wake every tick whether or not anything is due.
 *
 * <p>A wheel ticks 100 times a second at a 10 ms tick (1,000 at SOFAJRaft's 1 ms default), and each
 * node has four: an idle 3-node cluster spent about a fifth of its CPU on those wake-ups. Raft's
 * timers fire a few times a second (the election timer every timeout plus a random delay; a
 * follower's heartbeats do not reset it), so a thread that wakes only when one is due costs almost
 * nothing, and fires on time rather than on the next tick. Found by SOFAJRaft's service loader
 * (META-INF/services), where a higher priority wins over the default factory.
 */
@SPI(priority = 1)
public final class DeadlineTimerFactory extends DefaultRaftTimerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(DeadlineTimerFactory.class);

    @Override
    public Timer createTimer(String name) {
        return new DeadlineTimer(name);
    }

    /** One daemon thread per timer, asleep until the earliest pending timeout is due. */
    static final class DeadlineTimer implements Timer {

        private final ScheduledThreadPoolExecutor executor;

        DeadlineTimer(String name) {
            executor = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory(name, true));
            // A cancelled timeout leaves the queue at once, so the thread never wakes for it; RepeatedTimer
            // cancels and reschedules on every reset.
            executor.setRemoveOnCancelPolicy(true);
            executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }

        @Override
        public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
            DeadlineTimeout timeout = new DeadlineTimeout(this, task);
            try {
                timeout.future = executor.schedule(timeout::run, delay, unit);
            } catch (RejectedExecutionException e) {
                throw new IllegalStateException("cannot schedule a timeout: the timer is stopped", e);
            }
            return timeout;
        }

        /**
         * Drops every pending timeout; one already running finishes (it is not interrupted: it may be
         * the caller). Returns no handles: SOFAJRaft's callers do not use them.
         */
        @Override
        public Set<Timeout> stop() {
            executor.shutdown();
            return Set.of();
        }
    }

    /**
     * A timeout's state moves once, from pending to expired (the task starts) or to cancelled, as in
     * the wheel's timeouts: a future alone cannot say so, because a {@link ScheduledFuture} stays
     * cancellable while its task runs and reads as done only after it returned.
     */
    private static final class DeadlineTimeout implements Timeout {

        private static final int PENDING = 0;
        private static final int EXPIRED = 1;
        private static final int CANCELLED = 2;

        private final Timer timer;
        private final TimerTask task;
        private final AtomicInteger state = new AtomicInteger(PENDING);
        /** Set right after scheduling; null only until then (a cancel meanwhile still stops the task). */
        private volatile ScheduledFuture<?> future;

        DeadlineTimeout(Timer timer, TimerTask task) {
            this.timer = timer;
            this.task = task;
        }

        void run() {
            if (!state.compareAndSet(PENDING, EXPIRED)) {
                return;
            }
            try {
                task.run(this);
            } catch (Exception e) {
                // As the wheel does: a failing task must not end the timer thread.
                LOG.warn("A Raft timer task failed", e);
            }
        }

        @Override
        public Timer timer() {
            return timer;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            return state.get() == EXPIRED;
        }

        @Override
        public boolean isCancelled() {
            return state.get() == CANCELLED;
        }

        /** True only if the task had not started: SOFAJRaft's RepeatedTimer relies on that. */
        @Override
        public boolean cancel() {
            if (!state.compareAndSet(PENDING, CANCELLED)) {
                return false;
            }
            ScheduledFuture<?> f = future;
            if (f != null) {
                // Takes it off the queue (remove-on-cancel), so the thread does not wake for it.
                f.cancel(false);
            }
            return true;
        }
    }
}
