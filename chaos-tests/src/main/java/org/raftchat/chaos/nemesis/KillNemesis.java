package org.raftchat.chaos.nemesis;

import java.time.Duration;
import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** kill -9 of a node's JVM (the leader's, or a random node's); healing starts it again on the same data. */
public final class KillNemesis implements Nemesis {

    private static final Logger LOG = LoggerFactory.getLogger(KillNemesis.class);
    /** How long a healing waits to see the killed JVM gone before it starts it again. */
    private static final Duration VICTIM_DOWN_WAIT = Duration.ofSeconds(5);

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
        if (victim == null) {
            return;
        }
        if (cluster.awaitNodeDown(victim, VICTIM_DOWN_WAIT)) {
            cluster.restartNode(victim);
        } else {
            // Running again without this heal (another fault restarted it): no longer this fault's to hold.
            LOG.warn("{}: {} runs again without a restart; releasing it", name(), victim);
            cluster.release(victim);
        }
        victim = null;
    }
}
