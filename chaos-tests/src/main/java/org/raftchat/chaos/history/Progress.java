package org.raftchat.chaos.history;

import java.util.List;

/**
 * What a run has done so far, for the live progress line: completed operations and the faults
 * in effect now.
 *
 * @param elapsedNanos   time since the history's start
 * @param completedOps   operations completed (OK, FAIL or INFO)
 * @param acknowledged   POSTs completed OK
 * @param openFaults     the faults not yet healed, in start order
 */
public record Progress(long elapsedNanos, long completedOps, long acknowledged, List<FaultHandle> openFaults) {

    public Progress {
        openFaults = List.copyOf(openFaults);
    }

    /**
     * One terminal line: elapsed time, operations and acknowledged writes per second since
     * {@code previous}, and the faults in effect, e.g.
     * {@code [chaos] t=  35s  ops/s  180.0  acks/s  120.0  faults: pause-leader (pause n2) + partition-leader (n1-/-n2,n3)}.
     */
    public String line(Progress previous) {
        double seconds = Math.max(1e-9, (elapsedNanos - previous.elapsedNanos) / 1e9);
        String faults = openFaults.isEmpty() ? "none"
                : String.join(" + ", openFaults.stream().map(f -> f.nemesis() + " (" + f.description() + ")").toList());
        return String.format(java.util.Locale.ROOT, "[chaos] t=%4ds  ops/s %6.1f  acks/s %6.1f  faults: %s",
                elapsedNanos / 1_000_000_000L, (completedOps - previous.completedOps) / seconds,
                (acknowledged - previous.acknowledged) / seconds, faults);
    }
}
