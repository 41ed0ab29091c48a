package org.raftchat.node;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.SessionInfo;

/**
 * Resolves the calling session from the replicated state. A token this replica does not know yet
 * may belong to a login it has not applied (the client logged in on the leader, then came here):
 * before answering UNAUTHENTICATED it waits for a linearizable read barrier and looks again, so a
 * lagging follower never refuses a session the cluster has. Then charges the session's rate limit.
 */
final class Authenticator {

    private final ChatStateMachine stateMachine;
    private final LinearizableReads reads;
    private final SessionRateLimiter rateLimiter;
    private final Executor executor;

    Authenticator(ChatStateMachine stateMachine, LinearizableReads reads, SessionRateLimiter rateLimiter, Executor executor) {
        this.stateMachine = stateMachine;
        this.reads = reads;
        this.rateLimiter = rateLimiter;
        this.executor = executor;
    }

    /** Must run on the gRPC call's thread: the token travels in its Context. */
    CompletableFuture<Caller> caller() {
        String token = AuthInterceptor.TOKEN.get();
        if (token == null) {
            return CompletableFuture.failedFuture(GrpcErrors.unauthenticated("no session: log in first"));
        }
        byte[] digest = SessionTokens.sha256(token);
        Optional<SessionInfo> local = stateMachine.session(digest);
        CompletableFuture<SessionInfo> session = local.isPresent()
                ? CompletableFuture.completedFuture(local.get())
                : reads.barrier().thenApplyAsync(ready -> stateMachine.session(digest).orElseThrow(GrpcErrors::sessionEnded),
                        executor);
        return session.thenApply(s -> {
            rateLimiter.charge(digest);
            return new Caller(s.username(), s.deviceId(), digest);
        });
    }
}
