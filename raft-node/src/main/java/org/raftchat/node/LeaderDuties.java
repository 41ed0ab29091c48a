package org.raftchat.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic work only the leader does (the expiry checks, the presence ticks): each duty runs on
 * the node's timer while this node leads, and is cancelled when it stops leading. A follower's timer
 * then does not wake for checks it would skip: on an idle cluster those wake-ups were most of the
 * followers' timer threads (docs/performance.md, round 20).
 *
 * <p>A duty's first run is one period after the node becomes leader (or after the duty is added, if
 * it already leads). A run can still start just after leadership ends (the cancel does not stop a
 * run already due), so each duty checks the leader term it acts in, as before.
 *
 * <p>Thread-safe: leadership changes arrive on SOFAJRaft's apply thread, duties are added at start-up.
 */
final class LeaderDuties {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);

    /** @param failing whether the last run threw (so that a failing duty warns once, not every period) */
    private record Duty(String name, long periodMs, Runnable task, AtomicBoolean failing) {
    }

    private final ScheduledExecutorService timer;
    private final List<Duty> duties = new ArrayList<>();
    private final List<ScheduledFuture<?>> armed = new ArrayList<>();
    private boolean leading;

    LeaderDuties(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Runs {@code task} every {@code periodMs} (fixed delay) while this node leads, starting now if it does. */
    synchronized void add(String name, long periodMs, Runnable task) {
        if (periodMs <= 0) {
            throw new IllegalArgumentException("the period of " + name + " must be > 0 ms, got " + periodMs);
        }
        Duty duty = new Duty(name, periodMs, task, new AtomicBoolean());
        duties.add(duty);
        if (leading) {
            arm(duty);
        }
    }

    /** This node became leader: arm every duty. */
    synchronized void startLeading() {
        if (leading) {
            return;
        }
        leading = true;
        duties.forEach(this::arm);
    }

    /** This node stopped leading (or is closing): cancel every duty. */
    synchronized void stopLeading() {
        leading = false;
        armed.forEach(future -> future.cancel(false));
        armed.clear();
    }

    /** Whether the duties are armed (for tests). */
    synchronized boolean leading() {
        return leading;
    }

    private void arm(Duty duty) {
        try {
            armed.add(timer.scheduleWithFixedDelay(() -> runGuarded(duty), duty.periodMs(), duty.periodMs(), TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            LOG.debug("Leader duty {} not armed: the timer is stopped (the node is closing)", duty.name());
        }
    }

    /**
     * A duty that throws would otherwise be cancelled for good by the executor, silently. One warning
     * per run of failures (with the cause), not one per period: the next lines would say nothing new.
     */
    private static void runGuarded(Duty duty) {
        try {
            duty.task().run();
            if (duty.failing().getAndSet(false)) {
                LOG.info("Leader duty {} runs again", duty.name());
            }
        } catch (RuntimeException e) {
            if (!duty.failing().getAndSet(true)) {
                LOG.warn("Leader duty {} failed; it is retried every {} ms, and this is logged again once it has run", duty.name(),
                        duty.periodMs(), e);
            } else {
                LOG.debug("Leader duty {} failed again: {}", duty.name(), e.toString());
            }
        }
    }
}
