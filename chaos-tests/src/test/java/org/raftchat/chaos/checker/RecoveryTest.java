package org.raftchat.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.raftchat.chaos.history.FaultHandle;
import org.raftchat.chaos.history.Op;
import org.raftchat.chaos.testing.Scenario;

class RecoveryTest {

    private final Scenario s = new Scenario();

    @Test
    void recoveryCountsFromTheFaultAndFromTheHealToTheFirstAckOfAWriteInvokedAfterIt() {
        // Goal: a write in flight when the fault hits and acked right after does not count as recovery;
        // the first write a client invokes after the fault does.
        Op inFlight = s.history.invoke(0, org.raftchat.chaos.history.OpFunction.POST, Scenario.ROOM, "n1", "in-flight");
        FaultHandle kill = s.history.faultStart("kill-leader", "kill -9 n1");   // t=1 ms
        s.history.okPost(inFlight, 1);                                             // acked at once: not recovery
        Op afterFault = s.history.invoke(1, org.raftchat.chaos.history.OpFunction.POST, Scenario.ROOM, "n1", "after");
        s.idle(1_500);
        s.history.okPost(afterFault, 2);                                           // ~1.5 s after the fault
        s.history.faultEnd(kill);
        s.idle(100);
        s.okPost(2, "healed", 3);

        Recovery.WindowRecovery w = Recovery.perWindow(s.data()).get(0);

        assertThat(w.fromStartMillis()).isBetween(1_500L, 1_510L);
        assertThat(w.fromHealMillis()).isBetween(100L, 110L);
    }

    @Test
    void perNemesisGivesPercentilesOverItsWindowsAndCountsWindowsNeverRecovered() {
        // Goal: the table per nemesis: p50/p99/max over its windows; a window after which no write was acked is "never".
        for (int recoveryMs : new int[] {100, 300, 200}) {
            FaultHandle f = s.history.faultStart("kill-leader", "kill");
            s.idle(recoveryMs);
            s.okPost(0, "k" + recoveryMs, recoveryMs);
            s.history.faultEnd(f);
        }
        s.okPost(1, "between", 400);
        FaultHandle last = s.history.faultStart("partition-majority", "cut");
        s.history.faultEnd(last);
        s.infoPost(0, "unknown");

        List<Recovery.NemesisRecovery> rows = Recovery.perNemesis(s.data());

        assertThat(rows).extracting(Recovery.NemesisRecovery::nemesis).containsExactly("kill-leader", "partition-majority");
        Recovery.NemesisRecovery kill = rows.get(0);
        assertThat(kill.windows()).isEqualTo(3);
        assertThat(kill.p50FromStartMillis()).isBetween(200L, 205L);
        assertThat(kill.maxFromStartMillis()).isBetween(300L, 305L);
        assertThat(kill.p99FromStartMillis()).isEqualTo(kill.maxFromStartMillis());
        assertThat(kill.neverRecovered()).isZero();
        assertThat(rows.get(1).neverRecovered()).isEqualTo(1);
        assertThat(rows.get(1).p50FromStartMillis()).isNull();
        assertThat(Recovery.table(rows)).contains("kill-leader", "partition-majority", "- / - / -");
    }
}
