package org.raftchat.node;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.error.RaftError;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.raftchat.node.metrics.NodeMetrics;

/**
 * A read barrier: the returned future completes once this node's applied index has reached the
 * leader's commit index as of the call (SOFAJRaft's ReadIndex), so a local read after it sees every
 * write acknowledged before the call began. Works on followers too.
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

    private final Node node;
    private final ScheduledExecutorService retryTimer;
    private final Duration timeout;
    private final NodeMetrics metrics;

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
        attempt(ready, startNanos + timeout.toNanos(), "");
        return ready.whenComplete((ok, error) -> metrics.readBarrierFinished(startNanos, error == null));
    }

    /** {@code lastError} is the reason the previous attempt was retried, or "" for the first. */
    private void attempt(CompletableFuture<Void> ready, long deadlineNanos, String lastError) {
        long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (remainingMs <= 0) {
            ready.completeExceptionally(GrpcErrors.readBarrierFailed("timed out after " + timeout.toMillis() + " ms"
                    + (lastError.isEmpty() ? "" : "; last: " + lastError)));
            return;
        }
        try {
            node.readIndex(NO_CONTEXT, new ReadIndexClosure(remainingMs) {
                @Override
                public void run(Status status, long index, byte[] reqCtx) {
                    onResult(status, ready, deadlineNanos);
                }
            });
        } catch (IllegalStateException e) {
            ready.completeExceptionally(GrpcErrors.shuttingDown());
        }
    }

    private void onResult(Status status, CompletableFuture<Void> ready, long deadlineNanos) {
        if (status.isOk()) {
            ready.complete(null);
        } else if (status.getRaftError() == RaftError.EAGAIN) {
            retryTimer.schedule(() -> attempt(ready, deadlineNanos, status.getErrorMsg()), EAGAIN_RETRY_MS, TimeUnit.MILLISECONDS);
        } else if (status.getRaftError() == RaftError.EPERM) {
            retryTimer.schedule(() -> attempt(ready, deadlineNanos, status.getErrorMsg()), NO_LEADER_RETRY_MS, TimeUnit.MILLISECONDS);
        } else {
            ready.completeExceptionally(GrpcErrors.readBarrierFailed(status.getErrorMsg()));
        }
    }
}
