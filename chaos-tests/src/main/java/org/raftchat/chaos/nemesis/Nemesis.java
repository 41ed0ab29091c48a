package org.raftchat.chaos.nemesis;

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

    /** The current leader, or a random node when there is none. */
    static String leaderOrRandom(DockerCluster cluster, Random random) {
        return cluster.leader().orElseGet(() -> cluster.nodeIds().get(random.nextInt(cluster.nodeIds().size())));
    }
}
