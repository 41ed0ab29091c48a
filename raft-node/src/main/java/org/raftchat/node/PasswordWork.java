package org.raftchat.node;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The slow password work (hashing, checking; each a deliberate tens of milliseconds of CPU) on a
 * pool of its own with a bounded queue. Its own, so a flood of logins cannot delay the read barriers
 * and answers that share the node's other pool; bounded, so the flood costs a queue of known length
 * and not memory and latency without end. When the queue is full the work is refused at once with
 * RESOURCE_EXHAUSTED and a retry delay: the overload is transient, so the client should come back.
 * Thread-safe.
 */
final class PasswordWork implements AutoCloseable {

    private final ThreadPoolExecutor pool;
    private final int queueCapacity;

    PasswordWork(int threads, int queueCapacity, ThreadFactory threadFactory) {
        this.queueCapacity = queueCapacity;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), threadFactory, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Runs {@code task} on the pool; a full queue (or a closed pool) gives a failed future, never a wait. */
    <T> CompletableFuture<T> submit(Supplier<T> task) {
        try {
            return CompletableFuture.supplyAsync(task, pool);
        } catch (RejectedExecutionException refused) {
            return CompletableFuture.failedFuture(pool.isShutdown() ? GrpcErrors.shuttingDown()
                    : GrpcErrors.passwordWorkBusy(queueCapacity));
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
