package org.raftchat.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HealQueueTest {

    @Test
    void aWindowAloneHealsWhenItEnds() {
        HealQueue heals = new HealQueue();
        heals.injected(0);

        assertThat(heals.due(0, true)).containsExactly(0);
        assertThat(heals.waiting()).isEmpty();
    }

    @Test
    void aHealThatNeedsALeaderWaitsForTheWindowComposedWithItAndRunsRightAfterIt() {
        HealQueue heals = new HealQueue();
        heals.injected(110); // partition-majority
        heals.injected(111); // disk-corrupt inside it, ending first

        assertThat(heals.due(111, true)).isEmpty();
        assertThat(heals.waiting()).containsExactly(111);
        assertThat(heals.due(110, false)).containsExactly(110, 111);
        assertThat(heals.waiting()).isEmpty();
    }

    @Test
    void aHealThatNeedsNoLeaderRunsWhenItEndsEvenInsideAnotherWindow() {
        HealQueue heals = new HealQueue();
        heals.injected(1);
        heals.injected(2);

        assertThat(heals.due(2, false)).containsExactly(2);
        assertThat(heals.due(1, false)).containsExactly(1);
    }

    @Test
    void twoHealsThatNeedALeaderRunTogetherOnceNothingElseIsInEffect() {
        HealQueue heals = new HealQueue();
        heals.injected(1);
        heals.injected(2);

        assertThat(heals.due(2, true)).isEmpty();
        assertThat(heals.due(1, true)).containsExactly(1, 2);
    }

    @Test
    void aWindowNotInEffectCannotBeHealed() {
        HealQueue heals = new HealQueue();

        assertThatThrownBy(() -> heals.due(7, false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("#7");
    }
}
