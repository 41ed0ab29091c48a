package org.raftchat.chaos.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An invocation together with its completion.
 *
 * @param invoke     the INVOKE op
 * @param completion the OK / FAIL / INFO op, or null if the run ended before the operation
 *                   completed (which counts as an unknown outcome)
 */
public record OpPair(Op invoke, Op completion) {

    public OpPair {
        Objects.requireNonNull(invoke, "invoke");
        if (invoke.type() != OpType.INVOKE) {
            throw new IllegalArgumentException("not an invocation: " + invoke.brief());
        }
    }

    /** OK, FAIL or INFO; an operation that never completed is INFO (its outcome is unknown). */
    public OpType outcome() {
        return completion == null ? OpType.INFO : completion.type();
    }

    public boolean succeeded() {
        return outcome() == OpType.OK;
    }

    public boolean definitelyFailed() {
        return outcome() == OpType.FAIL;
    }

    /** Nanoseconds from invocation to completion, or -1 if the operation never completed. */
    public long latencyNanos() {
        return completion == null ? -1 : completion.timeNanos() - invoke.timeNanos();
    }

    /** The invocation and, if present, the completion: what an anomaly names. */
    public List<Op> ops() {
        List<Op> ops = new ArrayList<>(2);
        ops.add(invoke);
        if (completion != null) {
            ops.add(completion);
        }
        return ops;
    }
}
