package org.raftchat.chaos.report;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a chaos run was asked to do, shown at the top of its report so a failing run can be
 * repeated.
 *
 * @param seed     the seed of the run's Random (workload choices and nemesis schedule)
 * @param nodes    the node ids of the cluster
 * @param duration how long the workload ran
 * @param nemeses  the nemeses enabled, by name
 * @param schedule human-readable lines describing the fault schedule
 */
public record RunParams(long seed, List<String> nodes, Duration duration, List<String> nemeses, List<String> schedule) {

    public RunParams {
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(duration, "duration");
        nemeses = List.copyOf(nemeses);
        schedule = List.copyOf(schedule);
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative: " + duration);
        }
    }
}
