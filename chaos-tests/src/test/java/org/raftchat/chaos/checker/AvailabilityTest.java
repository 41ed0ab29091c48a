package org.raftchat.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.raftchat.chaos.history.FaultHandle;
import org.raftchat.chaos.testing.Scenario;

class AvailabilityTest {

    private final Scenario s = new Scenario();

    @Test
    void faultStatsCountPostsInvokedDuringTheFaultAndTimeToTheFirstOkWrite() {
        // Goal: during a fault, share OK = OK / invoked, and the time to recovery is measured from the fault's start.
        s.okPost(0, "before", 1);
        FaultHandle fault = s.history.faultStart("partition-leader", "isolate n1");
        s.infoPost(0, "lost-during-election");
        s.failedPost(1, "rejected");
        s.idle(2_000);
        s.okPost(2, "after-election", 2);
        s.history.faultEnd(fault);
        s.okPost(0, "healed", 3);

        List<FaultStats> stats = Availability.compute(s.data());

        assertThat(stats).hasSize(2);
        FaultStats during = stats.get(0);
        assertThat(during.window().nemesis()).isEqualTo("partition-leader");
        assertThat(during.postsInvoked()).isEqualTo(3);
        assertThat(during.postsOk()).isEqualTo(1);
        assertThat(during.okShare()).isEqualTo(1.0 / 3);
        assertThat(during.firstOkWriteAfterStartMillis()).isBetween(2_000L, 2_010L);
        assertThat(during.coversWholeRun()).isFalse();
    }

    @Test
    void wholeRunComesLastAndCoversEveryPost() {
        // Goal: the last entry is the whole run, so a report always has an overall availability line.
        s.okPost(0, "a", 1);
        s.infoPost(0, "b");

        List<FaultStats> stats = Availability.compute(s.data());

        FaultStats whole = stats.get(stats.size() - 1);
        assertThat(whole.coversWholeRun()).isTrue();
        assertThat(whole.window().nemesis()).isEqualTo(Availability.WHOLE_RUN);
        assertThat(whole.postsInvoked()).isEqualTo(2);
        assertThat(whole.okShare()).isEqualTo(0.5);
    }

    @Test
    void faultWithoutPostsHasNoShareAndNeverRecoveredIsNull() {
        // Goal: no POST during a fault gives NaN share (not a fake 0 % or 100 %), no later OK gives null.
        FaultHandle fault = s.history.faultStart("kill", "kill n2");
        s.history.faultEnd(fault);
        s.infoPost(0, "a");

        FaultStats stats = Availability.compute(s.data()).get(0);

        assertThat(stats.postsInvoked()).isZero();
        assertThat(stats.okShare()).isNaN();
        assertThat(stats.firstOkWriteAfterStartMillis()).isNull();
    }
}
