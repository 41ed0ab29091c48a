package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RemovalQuorumTest {

    @Test
    void oneOfThreeDownTheHealthyFollowerMayNotGoTheDownOneMay() {
        // Goal: leader a, b down, c up. Without c, a and b need 2 and a hears only itself; without b, a and c do.
        List<String> reachable = List.of("a", "c");
        assertThat(RemovalQuorum.of(Set.of("a", "b"), reachable).kept()).isFalse();
        RemovalQuorum withoutB = RemovalQuorum.of(Set.of("a", "c"), reachable);
        assertThat(withoutB.kept()).isTrue();
        assertThat(withoutB.needed()).isEqualTo(2);
    }

    @Test
    void aRingOfFiveKeepsItsLeaderOnlyWhenANodeTheLeaderCannotReachGoes() {
        // Goal: the ring 1-2-3-4-5-1 with leader 1, which hears 2 and 5 only. Removing 1 or a neighbour
        // leaves four that need 3 of them, with 2 reachable; removing 3 or 4 leaves 1, 2 and 5.
        List<String> reachable = List.of("1", "2", "5");
        Set<String> all = Set.of("1", "2", "3", "4", "5");
        for (String removed : all) {
            Set<String> after = new HashSet<>(all);
            after.remove(removed);
            RemovalQuorum quorum = RemovalQuorum.of(after, reachable);
            assertThat(quorum.needed()).isEqualTo(3);
            assertThat(quorum.kept()).as("remove %s", removed).isEqualTo(removed.equals("3") || removed.equals("4"));
        }
    }

    @Test
    void reachableNodesOutsideTheNewConfigurationDoNotCount() {
        // Goal: the node being removed answers, but its answer is no vote in the configuration after it.
        RemovalQuorum quorum = RemovalQuorum.of(Set.of("a", "b", "c", "d"), List.of("a", "b", "e"));
        assertThat(quorum.reachableAfter()).containsExactlyInAnyOrder("a", "b");
        assertThat(quorum.kept()).isFalse();
    }

    @Test
    void aLeaderNewerThanItsLeaseWaitsOutTheRestBeforeJudging() {
        // Goal: SOFAJRaft counts every peer heard from for one lease after an election, so a removal waits that out.
        Duration lease = Duration.ofMillis(450);
        assertThat(RemovalQuorum.waitToJudge(Duration.ofMillis(100), lease)).isEqualTo(Duration.ofMillis(350));
        assertThat(RemovalQuorum.waitToJudge(Duration.ZERO, lease)).isEqualTo(lease);
        assertThat(RemovalQuorum.waitToJudge(Duration.ofMillis(450), lease)).isZero();
        assertThat(RemovalQuorum.waitToJudge(Duration.ofSeconds(5), lease)).isZero();
    }
}
