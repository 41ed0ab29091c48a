package org.raftchat.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private final AtomicLong clock = new AtomicLong();
    private final History history = new History(clock::get);

    @Test
    void theLineShowsElapsedTimeRatesSinceTheLastLineAndTheFaultsInEffect() {
        // Goal: the live line a run prints every few seconds: t, ops/s, acks/s, and overlapping faults by name.
        Progress start = history.progress();
        clock.set(1_000_000_000L);
        history.okPost(history.invoke(1, OpFunction.POST, "r", "n1", "k1"), 1);
        history.info(history.invoke(1, OpFunction.POST, "r", "n1", "k2"), "UNAVAILABLE");
        history.fail(history.invoke(2, OpFunction.READ, "r", "n2", null), "UNAVAILABLE");
        history.okPost(history.invoke(1, OpFunction.POST, "r", "n1", "k3"), 2);
        FaultHandle partition = history.faultStart("partition-leader", "n1-/-n2,n3");
        history.faultStart("pause-leader", "pause n2");
        clock.set(2_000_000_000L);

        String line = history.progress().line(start);

        assertThat(line).isEqualTo("[chaos] t=   2s  ops/s    2.0  acks/s    1.0  faults: partition-leader (n1-/-n2,n3)"
                + " + pause-leader (pause n2)");
        history.faultEnd(partition);
        assertThat(history.progress().line(history.progress())).endsWith("faults: pause-leader (pause n2)");
    }

    @Test
    void noFaultSaysNone() {
        assertThat(history.progress().line(history.progress())).endsWith("faults: none");
    }
}
