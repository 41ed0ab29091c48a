package org.raftchat.node;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * The threads a node makes for itself: daemon, named {@code <prefix>-<node id>-<n>}, each with the
 * node id in the logging MDC under {@link #MDC_KEY} for its whole life. A process runs one node and
 * its log pattern names it already; a test JVM hosts several nodes, and there the MDC is what tells
 * their lines apart. Threads SOFAJRaft, Netty or gRPC make are not ours: they carry no MDC.
 */
final class NodeThreads {

    /** The MDC key of the node id ({@code %X{node}} in a logback pattern). */
    static final String MDC_KEY = "node";

    private NodeThreads() {
    }

    static ThreadFactory named(String prefix, String nodeId) {
        AtomicInteger seq = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(() -> {
                MDC.put(MDC_KEY, nodeId);
                task.run();
            }, prefix + "-" + nodeId + "-" + seq.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
