package org.raftchat.node;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.raftchat.proto.v1.Command;
import org.raftchat.statemachine.ApplyResult;

/**
 * The one way a write travels through the node, for every {@link WriteRoute}: check the request
 * (its key first, then the route's own checks), so bad input is refused before anything else and
 * changes nothing; refuse on a node that is not the leader; resolve the caller's session; key the
 * route's command as the caller's idempotency key for this request; propose it; and turn its
 * applied result into the answer. Thread-safe.
 */
final class WritePath {

    /** Proposes a command to the Raft log (the {@link Proposer}); an interface so the path can be tested without Raft. */
    @FunctionalInterface
    interface Proposals {
        CompletableFuture<ApplyResult> propose(Command.Builder command);
    }

    private final RequestValidator validator;
    private final IdempotencyStamp idempotency;
    private final LeaderGate leaderGate;
    private final Supplier<CompletableFuture<Caller>> callers;
    private final Proposals proposals;

    /** @param callers the session of the call being served (read on the call's thread: the token is in its Context) */
    WritePath(RequestValidator validator, IdempotencyStamp idempotency, LeaderGate leaderGate,
              Supplier<CompletableFuture<Caller>> callers, Proposals proposals) {
        this.validator = validator;
        this.idempotency = idempotency;
        this.leaderGate = leaderGate;
        this.callers = callers;
        this.proposals = proposals;
    }

    /**
     * Checks {@code request} at once (throwing on bad input or on a follower) and returns its answer
     * to come: completed where the proposal's outcome is known (the apply thread, normally).
     */
    <Q, R extends ApplyResult, A> CompletableFuture<A> write(WriteRoute<Q, R, A> route, Q request) {
        String key = validator.idempotencyKey(route.idempotencyKey().apply(request));
        WriteRoute.Proposal proposal = route.check().check(request);
        // Before the session is resolved: a follower says so without spending a read barrier on it.
        leaderGate.requireLeader();
        return callers.get().thenCompose(caller -> {
            WriteRoute.Draft draft = proposal.as(caller);
            return proposals.propose(idempotency.keyed(draft.command(), caller.username(), key, draft.requestFields()));
        }).thenApply(route::answer);
    }
}
