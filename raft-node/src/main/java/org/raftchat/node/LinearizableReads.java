package org.raftchat.node;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.error.RaftError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.raftchat.node.metrics.NodeMetrics;

/**
 * A read barrier: the returned future completes once this node's applied index has reached the
 * leader's commit index as of the call (SOFAJRaft's ReadIndex), so a local read after it sees every
 * write acknowledged before the call began. Works on followers too.
 *
 * <p>Barriers share ReadIndex rounds, as etcd's read loop does: one round is in flight at a time, and
 * every barrier asked for while it runs waits for the next round, which starts when the current one
 * ends and serves them all. A round costs the leader a heartbeat to every follower (safe mode) and a
 * follower an RPC to the leader, so under read load that cost is paid per round, not per read. A
 * barrier never joins a round already under way: that round's index may predate a write that was
 * acknowledged before the barrier was asked for. On an idle node a barrier starts its round at once.
 */
final class LinearizableReads implements ReadBarrier {

    private static final byte[] NO_CONTEXT = new byte[0];
    /** A leader answers EAGAIN until it has committed an entry in its term; that takes one round trip. */
    private static final long EAGAIN_RETRY_MS = 10;
    /**
     * EPERM: this node knows no leader right now (an election, or it has just restarted and not yet
     * heard the leader's heartbeat). A leader usually appears within an election timeout, well
     * inside the read's time budget, so the read waits for it rather than failing at once.
     */
    private static final long NO_LEADER_RETRY_MS = 50;
    /**
     * A round that takes longer is given up and its waiters go on with the next one, which asks
     * again, of the leader this node knows by then: reads queued behind a round sent to a leader
     * that was cut off then wait about an election, not their whole timeout.
     */
    private static final long MAX_ROUND_MS = 1_000;

    /** One barrier asked for: completed by the first round that starts after it and succeeds. */
    private record Waiter(CompletableFuture<Void> ready, long deadlineNanos, String lastError) {

        Waiter retried(String error) {
            return new Waiter(ready, deadlineNanos, error);
        }
    }

    private final Node node;
    private final ScheduledExecutorService retryTimer;
    private final Duration timeout;
    private final NodeMetrics metrics;
    /** Guards {@link #roundInFlight} and {@link #nextRound}. */
    private final Object lock = new Object();
    private boolean roundInFlight;
    private List<Waiter> nextRound = new ArrayList<>();

    LinearizableReads(Node node, ScheduledExecutorService retryTimer, Duration timeout, NodeMetrics metrics) {
        this.node = node;
        this.retryTimer = retryTimer;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<Void> barrier() {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        long startNanos = System.nanoTime();
        join(List.of(new Waiter(ready, startNanos + timeout.toNanos(), "")));
        return ready.whenComplete((ok, error) -> metrics.readBarrierFinished(startNanos, error == null));
    }

    /** Queues the waiters for the next round, and starts it if no round is in flight. */
    private void join(List<Waiter> waiters) {
        synchronized (lock) {
            nextRound.addAll(waiters);
            if (roundInFlight) {
                return;
            }
            roundInFlight = true;
        }
        startNextRound();
    }

    /** Called with {@link #roundInFlight} set: runs the queued waiters' round, or clears the flag if none is left. */
    private void startNextRound() {
        List<Waiter> round = takeLiveWaiters();
        if (round.isEmpty()) {
            return;
        }
        metrics.readIndexRoundStarted();
        try {
            node.readIndex(NO_CONTEXT, new ReadIndexClosure(remainingMs(round)) {
                @Override
                public void run(Status status, long index, byte[] reqCtx) {
                    roundFinished(round, status);
                }
            });
        } catch (IllegalStateException e) {
            // The node is shutting down. SOFAJRaft still runs the closure (with an error), which ends the round.
            round.forEach(waiter -> waiter.ready().completeExceptionally(GrpcErrors.shuttingDown()));
        }
    }

    /**
     * Takes the queued waiters, failing those whose time is up; if none is left, clears
     * {@link #roundInFlight} under the same lock so a barrier that queues next starts a round itself.
     */
    private List<Waiter> takeLiveWaiters() {
        while (true) {
            List<Waiter> taken;
            synchronized (lock) {
                taken = nextRound;
                nextRound = new ArrayList<>();
                if (taken.isEmpty()) {
                    roundInFlight = false;
                    return taken;
                }
            }
            long nowNanos = System.nanoTime();
            List<Waiter> live = new ArrayList<>(taken.size());
            for (Waiter waiter : taken) {
                if (waiter.deadlineNanos() - nowNanos > 0) {
                    live.add(waiter);
                } else {
                    timedOut(waiter);
                }
            }
            if (!live.isEmpty()) {
                return live;
            }
        }
    }

    /** A round runs until its last waiter gives up, {@link #MAX_ROUND_MS} at most. */
    private static long remainingMs(List<Waiter> round) {
        long latestDeadline = round.stream().mapToLong(Waiter::deadlineNanos).max().orElseThrow();
        long leftMs = TimeUnit.NANOSECONDS.toMillis(latestDeadline - System.nanoTime());
        return Math.max(1, Math.min(MAX_ROUND_MS, leftMs));
    }

    private void roundFinished(List<Waiter> round, Status status) {
        if (status.isOk()) {
            round.forEach(waiter -> waiter.ready().complete(null));
        } else if (status.getRaftError() == RaftError.EAGAIN) {
            retryLater(round, status.getErrorMsg(), EAGAIN_RETRY_MS);
        } else if (status.getRaftError() == RaftError.EPERM) {
            retryLater(round, status.getErrorMsg(), NO_LEADER_RETRY_MS);
        } else {
            failOrRetry(round, status);
        }
        startNextRound();
    }

    /**
     * A round that timed out (see {@link #MAX_ROUND_MS}) hands the waiters with time left to the next
     * round; any other failure (the leader stepped down, lost its quorum) ends them all, as before rounds.
     */
    private void failOrRetry(List<Waiter> round, Status status) {
        if (status.getRaftError() != RaftError.ETIMEDOUT) {
            round.forEach(waiter -> waiter.ready().completeExceptionally(GrpcErrors.readBarrierFailed(status.getErrorMsg())));
            return;
        }
        List<Waiter> retried = round.stream().map(waiter -> waiter.retried(status.getErrorMsg())).toList();
        synchronized (lock) {
            nextRound.addAll(retried);
        }
    }

    private void retryLater(List<Waiter> round, String error, long delayMs) {
        List<Waiter> retried = round.stream().map(waiter -> waiter.retried(error)).toList();
        try {
            retryTimer.schedule(() -> join(retried), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            retried.forEach(waiter -> waiter.ready().completeExceptionally(GrpcErrors.shuttingDown()));
        }
    }

    private void timedOut(Waiter waiter) {
        waiter.ready().completeExceptionally(GrpcErrors.readBarrierFailed("timed out after " + timeout.toMillis() + " ms"
                + (waiter.lastError().isEmpty() ? "" : "; last: " + waiter.lastError())));
    }
}
