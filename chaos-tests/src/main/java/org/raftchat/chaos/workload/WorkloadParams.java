package org.raftchat.chaos.workload;

/**
 * How hard the workload pushes: client counts, pauses between operations, and the retry budget
 * of one write (after which its outcome is recorded as unknown).
 */
public record WorkloadParams(
        int writers,
        int readers,
        int subscribers,
        int rooms,
        long writerPauseMs,
        long readerPauseMs,
        long callDeadlineMs,
        long writeBudgetMs,
        int readWindow) {

    public WorkloadParams {
        if (writers < 1 || readers < 0 || subscribers < 0 || rooms < 1 || readWindow < 1) {
            throw new IllegalArgumentException("workload needs writers >= 1, rooms >= 1, readWindow >= 1");
        }
    }

    /** A load two cores can carry next to a 5-node cluster, with room for faults to show. */
    public static WorkloadParams defaults() {
        return new WorkloadParams(6, 2, 3, 3, 5, 25, 2_000, 8_000, 200);
    }
}
