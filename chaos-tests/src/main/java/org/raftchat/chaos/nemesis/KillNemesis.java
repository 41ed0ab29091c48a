package org.raftchat.chaos.nemesis;

import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;

/** kill -9 of a node's JVM (the leader's, or a random node's); healing starts it again on the same data. */
public final class KillNemesis implements Nemesis {

    private final boolean leader;
    private String victim;

    public KillNemesis(boolean leader) {
        this.leader = leader;
    }

    @Override
    public String name() {
        return leader ? "kill-leader" : "kill-random";
    }

    @Override
    public String inject(DockerCluster cluster, Random random) {
        victim = leader ? Nemesis.leaderOrRandom(cluster, random) : Nemesis.randomFree(cluster, random);
        cluster.killNode(victim);
        return "kill -9 " + victim;
    }

    @Override
    public void heal(DockerCluster cluster) {
        if (victim != null && !cluster.isNodeRunning(victim)) {
            cluster.restartNode(victim);
        }
        victim = null;
    }
}
