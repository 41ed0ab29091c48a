package org.raftchat.chaos.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * When each fault starts and how long it lasts, drawn from the run's seed: quiet gaps and fault
 * windows alternate, nemeses taken in the given order, round after round, so a short run still
 * meets each nemesis once. Printed at the start of a run, so a failure can be replayed with its seed.
 *
 * <p>Composed faults: an entry {@code a+b} runs {@code b} inside {@code a}'s window (it starts
 * while {@code a} is in effect and may outlast it), e.g. {@code partition-majority+pause-leader}.
 * With {@code composeRandomly} (the {@code mix}), the first window and then any window with probability
 * {@link #COMPOSE_PROBABILITY} gets a different nemesis overlapping it. Every draw comes from the seeded random.
 */
public record Schedule(long seed, List<Step> steps) {

    static final double COMPOSE_PROBABILITY = 0.35;

    /**
     * One fault window.
     *
     * @param id       its number in the schedule (0, 1, ...)
     * @param overlaps the id of the window this one was composed into, or -1
     */
    public record Step(int id, String nemesis, Duration start, Duration length, int overlaps) {

        public Duration end() {
            return start.plus(length);
        }
    }

    /** One inject or heal, in the order a run performs them. */
    public record Event(Duration at, Step step, boolean inject) {
    }

    public static Schedule generate(long seed, List<String> nemeses, Duration total, Random random) {
        return generate(seed, nemeses, total, random, false);
    }

    public static Schedule generate(long seed, List<String> entries, Duration total, Random random, boolean composeRandomly) {
        List<Step> steps = new ArrayList<>();
        long atMs = 3_000;
        int next = 0;
        while (true) {
            long faultMs = 6_000 + random.nextInt(6_001);
            if (atMs + faultMs > total.toMillis()) {
                break;
            }
            String[] parts = entries.get(next++ % entries.size()).split("\\+");
            Step primary = new Step(steps.size(), parts[0], Duration.ofMillis(atMs), Duration.ofMillis(faultMs), -1);
            steps.add(primary);
            long endMs = atMs + faultMs;
            String companion = parts.length > 1 ? parts[1] : null;
            // The mix's first window is always composed, so even a short run (CI's) overlaps two faults.
            // A fault that takes every node leaves none for a companion: it is never the outer window.
            if (companion == null && composeRandomly && entries.size() > 1 && !Nemeses.takesEveryNode(parts[0])
                    && (steps.size() == 1 || random.nextDouble() < COMPOSE_PROBABILITY)) {
                List<String> others = entries.stream().filter(n -> !n.equals(parts[0]) && !n.contains("+")).toList();
                companion = others.get(random.nextInt(others.size()));
            }
            if (companion != null) {
                // Starts while the first fault is in effect (20-60 % into it), lasts 40-90 % as long: it may outlast it.
                long offsetMs = faultMs * (20 + random.nextInt(41)) / 100;
                long lengthMs = faultMs * (40 + random.nextInt(51)) / 100;
                long startMs = atMs + offsetMs;
                if (startMs + lengthMs <= total.toMillis()) {
                    steps.add(new Step(steps.size(), companion, Duration.ofMillis(startMs), Duration.ofMillis(lengthMs), primary.id()));
                    endMs = Math.max(endMs, startMs + lengthMs);
                }
            }
            atMs = endMs + 3_000 + random.nextInt(3_001);
        }
        return new Schedule(seed, List.copyOf(steps));
    }

    /** Every inject and heal in time order; at equal times heals come first (nothing is broken twice at once). */
    public List<Event> events() {
        List<Event> events = new ArrayList<>();
        for (Step s : steps) {
            events.add(new Event(s.start(), s, true));
            events.add(new Event(s.end(), s, false));
        }
        events.sort(Comparator.comparing(Event::at).thenComparing(Event::inject));
        return List.copyOf(events);
    }

    /** The duration a run needs so that every nemesis gets at least one window. */
    public static Duration coveringAll(int nemeses) {
        return Duration.ofMillis(3_000 + nemeses * 18_000L);
    }

    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        long composed = steps.stream().filter(s -> s.overlaps() >= 0).count();
        lines.add("seed " + seed + ", " + steps.size() + " faults, " + composed + " of them overlapping another");
        for (Step s : steps) {
            lines.add(String.format("#%-2d t=%5.1fs  %-20s for %4.1fs%s", s.id(), s.start().toMillis() / 1000.0, s.nemesis(),
                    s.length().toMillis() / 1000.0, s.overlaps() >= 0 ? "  inside #" + s.overlaps() : ""));
        }
        return lines;
    }
}
