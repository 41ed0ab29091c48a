package org.raftchat.node;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.Task;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.raftchat.node.metrics.NodeMetrics;
import org.raftchat.proto.v1.Command;
import org.raftchat.statemachine.ApplyResult;

/**
 * Proposes commands to the Raft log on the leader. A command is stamped with the leader's clock
 * here; the state machine keeps time monotonic when it applies it.
 *
 * <p>The returned future completes with the applied result once the entry is committed on a
 * majority and applied on this node, or fails with a gRPC status: FAILED_PRECONDITION (not the
 * leader, nothing proposed), RESOURCE_EXHAUSTED (queue full, nothing proposed) or UNAVAILABLE
 * (the outcome is unknown; the client retries with the same idempotency key).
 */
final class Proposer {

    private final Node node;
    private final LongSupplier leaderTerm;
    private final Supplier<LeaderHint> leaderHint;
    private final Duration proposalTimeout;
    private final NodeMetrics metrics;

    Proposer(Node node, LongSupplier leaderTerm, Supplier<LeaderHint> leaderHint, Duration proposalTimeout, NodeMetrics metrics) {
        this.node = node;
        this.leaderTerm = leaderTerm;
        this.leaderHint = leaderHint;
        this.proposalTimeout = proposalTimeout;
        this.metrics = metrics;
    }

    CompletableFuture<ApplyResult> propose(Command.Builder command) {
        long term = leaderTerm.getAsLong();
        if (term < 0) {
            return CompletableFuture.failedFuture(GrpcErrors.notLeader(leaderHint.get()));
        }
        Command stamped = command.setLeaderTimeMs(System.currentTimeMillis()).build();
        ProposalClosure closure = new ProposalClosure();
        Task task = new Task(ByteBuffer.wrap(stamped.toByteArray()), closure);
        // If leadership moved on between the check above and the append, SOFAJRaft refuses the task
        // instead of appending it in a term we do not lead.
        task.setExpectedTerm(term);
        try {
            node.apply(task);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(GrpcErrors.shuttingDown());
        }
        long timeoutMs = proposalTimeout.toMillis();
        long startNanos = metrics.proposalStarted();
        return closure.result()
                .whenComplete((result, error) -> metrics.proposalFinished(startNanos, error == null))
                .orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        e instanceof TimeoutException ? GrpcErrors.proposalTimedOut(timeoutMs) : e));
    }
}
