package org.raftchat.chaos.nemesis;

import java.util.List;
import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;

/**
 * One kind of fault. {@link #inject} breaks something and says what, in words for the report;
 * {@link #heal} undoes exactly that, after which the cluster must recover on its own. Targets
 * are chosen with the run's seeded random, so a schedule replays.
 */
public interface Nemesis {

    String name();

    String inject(DockerCluster cluster, Random random);

    void heal(DockerCluster cluster);

    /**
     * Whether healing needs a leader (a membership change): then, when windows overlap, it heals
     * after the others (see {@link HealQueue}).
     */
    default boolean healNeedsLeader() {
        return false;
    }

    /** Whether it breaks every node no other fault holds: then no fault can be composed inside its window. */
    default boolean takesEveryNode() {
        return false;
    }

    /**
     * The current leader, or a random node when there is none, among the nodes another fault does
     * not hold (paused or killed): with overlapping faults, a node is broken by one nemesis at a time.
     */
    static String leaderOrRandom(DockerCluster cluster, Random random) {
        List<String> free = cluster.freeNodes();
        return cluster.leader().filter(free::contains).orElseGet(() -> randomFree(cluster, random));
    }

    /** A random node no other fault holds. */
    static String randomFree(DockerCluster cluster, Random random) {
        List<String> free = cluster.freeNodes();
        if (free.isEmpty()) {
            throw new IllegalStateException("every node is held by another fault");
        }
        return free.get(random.nextInt(free.size()));
    }
}
