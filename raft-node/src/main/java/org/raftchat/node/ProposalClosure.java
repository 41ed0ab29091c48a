package org.raftchat.node;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import java.util.concurrent.CompletableFuture;
import org.raftchat.statemachine.ApplyResult;

/**
 * Carries one proposal's outcome back to the gRPC call that made it. SOFAJRaft runs it with OK
 * after the entry is applied here ({@link #complete} comes first), or with an error if the entry
 * may not commit under this leader.
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
