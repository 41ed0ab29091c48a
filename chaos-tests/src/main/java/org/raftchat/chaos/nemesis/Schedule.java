package org.raftchat.chaos.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * When each fault starts and how long it lasts, drawn from the run's seed: quiet gaps and fault
 * windows alternate, nemeses taken in the given order, round after round, so a short run still
 * meets each nemesis once. Printed at the start of a run, so a failure can be replayed with its seed.
 */
public record Schedule(long seed, List<Step> steps) {

    public record Step(String nemesis, Duration start, Duration length) {
    }

    public static Schedule generate(long seed, List<String> nemeses, Duration total, Random random) {
        List<Step> steps = new ArrayList<>();
        long atMs = 3_000;
        int next = 0;
        while (true) {
            long faultMs = 6_000 + random.nextInt(6_001);
            if (atMs + faultMs > total.toMillis()) {
                break;
            }
            steps.add(new Step(nemeses.get(next++ % nemeses.size()), Duration.ofMillis(atMs), Duration.ofMillis(faultMs)));
            atMs += faultMs + 3_000 + random.nextInt(3_001);
        }
        return new Schedule(seed, List.copyOf(steps));
    }

    /** The duration a run needs so that every nemesis gets at least one window. */
    public static Duration coveringAll(int nemeses) {
        return Duration.ofMillis(3_000 + nemeses * 18_000L);
    }

    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("seed " + seed + ", " + steps.size() + " faults");
        for (Step s : steps) {
            lines.add(String.format("t=%5.1fs  %-20s for %4.1fs", s.start().toMillis() / 1000.0, s.nemesis(), s.length().toMillis() / 1000.0));
        }
        return lines;
    }
}
