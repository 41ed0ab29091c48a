package org.raftchat.node;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A node's start, step by step, so that it either completes or leaves nothing behind: each resource
 * a step opens (RocksDB and its lock, a port, threads) is remembered with how to stop it, and when a
 * later step fails, {@link #failed} stops them all, newest first. The same process can then start the
 * node again (the ports are free, the RocksDB locks released). Not thread-safe: a start runs on one thread.
 */
final class Startup {

    /** Opens one resource (it may fail; then nothing of it is left open). */
    @FunctionalInterface
    interface Step<T> {
        T open() throws IOException;
    }

    /** Stops one resource that was opened. */
    @FunctionalInterface
    interface Stop<T> {
        void stop(T resource) throws Exception;
    }

    private final String nodeId;
    /** How to stop each resource opened so far, newest first. */
    private final Deque<Runnable> stops = new ArrayDeque<>();
    /** The step that threw, if one did (else the failure came between steps). */
    private String failedStep;

    Startup(String nodeId) {
        this.nodeId = nodeId;
    }

    /** Opens {@code what}; if a later step fails, {@code stop} undoes it. */
    <T> T open(String what, Step<T> step, Stop<T> stop) throws IOException {
        T resource;
        try {
            resource = step.open();
        } catch (IOException | RuntimeException e) {
            failedStep = what;
            throw e;
        }
        stops.push(() -> {
            try {
                stop.stop(resource);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop " + what + ": " + e.getMessage(), e);
            }
        });
        return resource;
    }

    /**
     * Stops everything opened so far, newest first, and returns what to throw instead of {@code cause}:
     * an IOException saying which step failed and why, with {@code cause} as its cause.
     */
    IOException failed(IOException cause) {
        return stopAll(new IOException(failure(cause), cause));
    }

    /** Like {@link #failed(IOException)}, for a step that threw an unchecked exception. */
    IllegalStateException failed(RuntimeException cause) {
        return stopAll(new IllegalStateException(failure(cause), cause));
    }

    private String failure(Exception cause) {
        return "node " + nodeId + " could not start" + (failedStep == null ? "" : " " + failedStep) + ": " + cause.getMessage();
    }

    /**
     * A resource that fails to stop does not keep the others open: its failure is added to
     * {@code failure} as suppressed, and the next one is stopped.
     */
    private <E extends Exception> E stopAll(E failure) {
        while (!stops.isEmpty()) {
            try {
                stops.pop().run();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        return failure;
    }
}
