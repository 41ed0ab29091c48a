package org.raftchat.node;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import java.util.concurrent.CompletableFuture;
import org.raftchat.statemachine.ApplyResult;

/**
 * Carries one proposal's outcome back to the gRPC call that made it. On success {@link ChatFsm}
 * calls {@link #complete} with the applied result, on SOFAJRaft's FSM thread, right after applying
 * the entry (SOFAJRaft leaves the closure of an applied entry to its state machine); SOFAJRaft runs it
 * with an error status when the entry may not commit under this leader (refused, stepped down, or
 * rolled back after a failed apply).
 */
final class ProposalClosure implements Closure {

    private final CompletableFuture<ApplyResult> result = new CompletableFuture<>();
    private volatile ApplyResult applied;

    void complete(ApplyResult applyResult) {
        this.applied = applyResult;
        run(Status.OK());
    }

    @Override
    public void run(Status status) {
        if (status.isOk() && applied != null) {
            result.complete(applied);
        } else if (!status.isOk()) {
            result.completeExceptionally(GrpcErrors.proposalFailed(status));
        }
    }

    CompletableFuture<ApplyResult> result() {
        return result;
    }
}
