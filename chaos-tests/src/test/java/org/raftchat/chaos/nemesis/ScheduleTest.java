package org.raftchat.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void aComposedEntryRunsItsSecondNemesisInsideTheFirstsWindow() {
        // Goal: "a+b" overlaps b with a: b starts while a is in effect; the events inject a, inject b, then heal.
        Schedule schedule = Schedule.generate(1, List.of("partition-majority+pause-leader"), Duration.ofSeconds(30), new Random(1));

        Schedule.Step a = schedule.steps().get(0);
        Schedule.Step b = schedule.steps().get(1);
        assertThat(a.nemesis()).isEqualTo("partition-majority");
        assertThat(b.nemesis()).isEqualTo("pause-leader");
        assertThat(b.overlaps()).isEqualTo(a.id());
        assertThat(b.start()).isGreaterThan(a.start()).isLessThan(a.end());
        List<Schedule.Event> events = schedule.events();
        assertThat(events.subList(0, 2)).extracting(e -> e.step().id(), Schedule.Event::inject)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, true), org.assertj.core.groups.Tuple.tuple(1, true));
        assertThat(schedule.describe().get(2)).contains("pause-leader").contains("inside #0");
    }

    @Test
    void theMixDrawsOverlappingWindowsOfTwoDifferentNemesesAndReplaysFromItsSeed() {
        // Goal: a mixed run overlaps faults on its own, and the same seed draws the same schedule.
        List<String> all = Nemeses.names();
        Schedule first = Schedule.generate(42, all, Duration.ofMinutes(10), new Random(42), true);
        Schedule again = Schedule.generate(42, all, Duration.ofMinutes(10), new Random(42), true);

        assertThat(again).isEqualTo(first);
        assertThat(first.steps().get(1).overlaps()).as("the first window is always composed").isZero();
        List<Schedule.Step> composed = first.steps().stream().filter(s -> s.overlaps() >= 0).toList();
        assertThat(composed).isNotEmpty();
        for (Schedule.Step s : composed) {
            Schedule.Step host = first.steps().get(s.overlaps());
            assertThat(s.nemesis()).isNotEqualTo(host.nemesis());
            assertThat(s.start()).isBetween(host.start(), host.end());
        }
    }

    @Test
    void nothingIsComposedInsideAFaultThatTakesEveryNode() {
        // Goal: power-loss-all holds every node, so a fault drawn inside its window could not be injected
        // (seed 2026120301's 30-minute run drew disk-full inside it); the mix never composes into it.
        for (long seed = 0; seed < 200; seed++) {
            Schedule schedule = Schedule.generate(seed, Nemeses.names(), Duration.ofMinutes(10), new Random(seed), true);
            for (Schedule.Step s : schedule.steps()) {
                if (s.overlaps() >= 0) {
                    assertThat(schedule.steps().get(s.overlaps()).nemesis()).as("seed %d", seed).isNotEqualTo("power-loss-all");
                }
            }
        }
        assertThatThrownBy(() -> Nemeses.expand(List.of("power-loss-all+kill-leader")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("put it second");
        assertThat(Nemeses.expand(List.of("kill-leader+power-loss-all"))).containsExactly("kill-leader+power-loss-all");
    }

    @Test
    void withoutCompositionWindowsNeverOverlap() {
        Schedule schedule = Schedule.generate(7, Nemeses.names(), Duration.ofMinutes(5), new Random(7));
        List<Schedule.Step> steps = schedule.steps();
        for (int i = 1; i < steps.size(); i++) {
            assertThat(steps.get(i).start()).isGreaterThan(steps.get(i - 1).end());
        }
    }

    @Test
    void healsComeBeforeInjectsAtTheSameInstant() {
        Schedule.Step a = new Schedule.Step(0, "pause-leader", Duration.ofSeconds(1), Duration.ofSeconds(2), -1);
        Schedule.Step b = new Schedule.Step(1, "kill-leader", Duration.ofSeconds(3), Duration.ofSeconds(2), -1);
        assertThat(new Schedule(0, List.of(a, b)).events()).extracting(Schedule.Event::inject).containsExactly(true, false, true, false);
    }

    @Test
    void composedEntriesAreCheckedByName() {
        assertThat(Nemeses.expand(List.of("kill-leader+membership"))).containsExactly("kill-leader+membership");
        assertThatThrownBy(() -> Nemeses.expand(List.of("kill-leader+nope"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Nemeses.expand(List.of("a+b+c"))).isInstanceOf(IllegalArgumentException.class);
    }
}
