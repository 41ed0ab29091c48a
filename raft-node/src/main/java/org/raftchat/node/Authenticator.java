package org.raftchat.node;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.raftchat.statemachine.SessionInfo;

/**
 * Resolves the calling session from the replicated state. A token this replica does not know yet
 * may belong to a login it has not applied (the client logged in on the leader, then came here):
 * unless the local state already decides (below), it waits for a linearizable read barrier and looks
 * again before answering UNAUTHENTICATED, so a lagging follower never refuses a session the cluster
 * has. That barrier is charged to the client address's budget of calls without a session first, so
 * forged tokens cannot buy read barriers without end. Then charges the session's rate limit.
 */
final class Authenticator {

    private final Function<byte[], Optional<SessionInfo>> sessions;
    private final LongSupplier appliedIndex;
    private final ReadBarrier reads;
    private final SessionRateLimiter rateLimiter;
    private final AddressRateLimiter unauthenticatedCalls;
    private final Executor executor;

    /**
     * @param sessions     the live session with a token digest, from this replica's state
     * @param appliedIndex this replica's applied index (published after the state it covers is readable)
     */
    Authenticator(Function<byte[], Optional<SessionInfo>> sessions, LongSupplier appliedIndex, ReadBarrier reads,
                  SessionRateLimiter rateLimiter, AddressRateLimiter unauthenticatedCalls, Executor executor) {
        this.sessions = sessions;
        this.appliedIndex = appliedIndex;
        this.reads = reads;
        this.rateLimiter = rateLimiter;
        this.unauthenticatedCalls = unauthenticatedCalls;
        this.executor = executor;
    }

    /** Must run on the gRPC call's thread: the token and the client address travel in its Context. */
    CompletableFuture<Caller> caller() {
        String token = AuthInterceptor.TOKEN.get();
        if (token == null) {
            return CompletableFuture.failedFuture(GrpcErrors.unauthenticated("no session: log in first"));
        }
        SessionTokens.Presented presented = SessionTokens.parse(token);
        byte[] digest = SessionTokens.sha256(presented.secret());
        // Read before the lookup: the state the lookup sees then covers at least this index.
        long applied = appliedIndex.getAsLong();
        Optional<SessionInfo> local = sessions.apply(digest);
        CompletableFuture<SessionInfo> session;
        if (local.isPresent()) {
            session = CompletableFuture.completedFuture(local.get());
        } else if (decidedLocally(presented, applied)) {
            session = CompletableFuture.failedFuture(GrpcErrors.sessionEnded());
        } else {
            try {
                unauthenticatedCalls.charge(ClientAddress.current());
            } catch (RuntimeException overBudget) {
                return CompletableFuture.failedFuture(overBudget);
            }
            session = reads.barrier().thenApplyAsync(ready -> sessions.apply(digest).orElseThrow(GrpcErrors::sessionEnded),
                    executor);
        }
        return session.thenApply(s -> {
            rateLimiter.charge(digest);
            return new Caller(s.username(), s.deviceId(), digest);
        });
    }

    /**
     * Whether an unknown token can be refused without asking the leader. The leader hands a token out
     * only after it has applied the session's entry, and writes its applied index of that moment into
     * the token, so the index is at or past that entry. A replica whose applied index (read before the
     * lookup) has reached it has applied the entry: if the session is missing, it ended (or the secret
     * was never issued), and a barrier could not change the answer. A fresh login this replica has not
     * applied yet carries a higher index and still waits for the barrier, so a valid session is never
     * refused; a token without an index (issued before tokens had one) waits too. A forged index buys
     * its sender nothing but a charged barrier (too high) or the refusal it would have got anyway.
     */
    private static boolean decidedLocally(SessionTokens.Presented presented, long applied) {
        return presented.appliedIndex() != SessionTokens.Presented.NO_INDEX && presented.appliedIndex() <= applied;
    }
}
