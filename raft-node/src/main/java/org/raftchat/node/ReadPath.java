package org.raftchat.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way a read travels through the node, for every {@link ReadRoutes} read: its request was
 * checked first (by the route), then the caller's session is resolved, a linearizable barrier is
 * awaited, and local state is read as the caller. Any node serves reads. Thread-safe.
 */
final class ReadPath {

    /** Reads local state as {@code caller} (may refuse: no access, no such room). */
    @FunctionalInterface
    interface Reader<A> {
        A read(Caller caller);
    }

    private final Supplier<CompletableFuture<Caller>> callers;
    private final ReadBarrier reads;
    private final Predicate<byte[]> sessionLive;
    private final Executor executor;

    /**
     * @param callers     the session of the call being served (read on the call's thread: the token is in its Context)
     * @param sessionLive whether the session with this token digest exists in local state
     * @param executor    where reads run after the barrier (not SOFAJRaft's callback thread)
     */
    ReadPath(Supplier<CompletableFuture<Caller>> callers, ReadBarrier reads, Predicate<byte[]> sessionLive, Executor executor) {
        this.callers = callers;
        this.reads = reads;
        this.sessionLive = sessionLive;
        this.executor = executor;
    }

    /**
     * Reads after a linearizable barrier, as the caller, on the executor. The caller's session is
     * checked again after the barrier: a lagging follower may have let a token through that the
     * leader had already logged out, and a read must not be served to it.
     */
    <A> CompletableFuture<A> read(Reader<A> reader) {
        return callers.get().thenCompose(caller -> reads.barrier().thenApplyAsync(ready -> {
            if (!sessionLive.test(caller.tokenSha256())) {
                throw GrpcErrors.sessionEnded();
            }
            return reader.read(caller);
        }, executor));
    }
}
