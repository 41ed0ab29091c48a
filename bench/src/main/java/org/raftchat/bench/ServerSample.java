package org.raftchat.bench;

import java.util.List;

/**
 * The nodes' resource use at one moment, summed over the nodes that could be read: CPU time so far,
 * resident memory and bytes on disk. -1 when no node could be read (or none is known).
 *
 * @param nanoTime   when ({@link System#nanoTime})
 * @param cpuMicros  user + system CPU time since each process started
 * @param rssBytes   resident memory (VmRSS)
 * @param diskBytes  bytes under the data directories
 */
record ServerSample(long nanoTime, long cpuMicros, long rssBytes, long diskBytes) {

    static final ServerSample NONE = new ServerSample(0, -1, -1, -1);

    static ServerSample take(List<NodeProcess> nodes) {
        if (nodes.isEmpty()) {
            return new ServerSample(System.nanoTime(), -1, -1, -1);
        }
        long cpu = -1;
        long rss = -1;
        long disk = -1;
        for (NodeProcess node : nodes) {
            cpu = plus(cpu, ProcStats.cpuMicros(node.pid()));
            rss = plus(rss, ProcStats.rssBytes(node.pid()));
            disk = plus(disk, ProcStats.treeBytes(node.dataDir()));
        }
        return new ServerSample(System.nanoTime(), cpu, rss, disk);
    }

    boolean known() {
        return cpuMicros >= 0;
    }

    /** CPU microseconds spent between {@code earlier} and this sample, or -1 if either is unknown. */
    long cpuMicrosSince(ServerSample earlier) {
        return known() && earlier.known() ? cpuMicros - earlier.cpuMicros : -1;
    }

    private static long plus(long sum, long value) {
        return value < 0 ? sum : Math.max(sum, 0) + value;
    }
}
