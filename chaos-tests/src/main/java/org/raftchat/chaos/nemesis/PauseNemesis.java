package org.raftchat.chaos.nemesis;

import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;

/** Freezes the leader's container (docker pause): a GC pause or a stalled VM, as the others see it. */
public final class PauseNemesis implements Nemesis {

    private String victim;

    @Override
    public String name() {
        return "pause-leader";
    }

    @Override
    public String inject(DockerCluster cluster, Random random) {
        victim = Nemesis.leaderOrRandom(cluster, random);
        cluster.pause(victim);
        return "pause " + victim;
    }

    @Override
    public void heal(DockerCluster cluster) {
        if (victim != null && cluster.isPaused(victim)) {
            cluster.unpause(victim);
        }
        victim = null;
    }
}
