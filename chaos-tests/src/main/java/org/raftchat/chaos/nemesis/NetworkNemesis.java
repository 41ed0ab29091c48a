package org.raftchat.chaos.nemesis;

import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;

/** A slow or lossy network between all nodes: delay with jitter, or random packet loss. */
public final class NetworkNemesis implements Nemesis {

    private final boolean loss;
    private final String chain = DockerCluster.newRuleChain();

    private NetworkNemesis(boolean loss) {
        this.loss = loss;
    }

    public static NetworkNemesis latency() {
        return new NetworkNemesis(false);
    }

    public static NetworkNemesis loss() {
        return new NetworkNemesis(true);
    }

    @Override
    public String name() {
        return loss ? "packet-loss" : "latency";
    }

    @Override
    public String inject(DockerCluster cluster, Random random) {
        if (loss) {
            double probability = 0.05 + random.nextInt(11) / 100.0;
            cluster.nodeIds().forEach(id -> cluster.loss(id, probability, chain));
            return String.format("drop %.0f%% of packets between all nodes", probability * 100);
        }
        int delayMs = 30 + random.nextInt(71);
        int jitterMs = delayMs / 4;
        cluster.nodeIds().forEach(id -> cluster.delay(id, delayMs, jitterMs));
        return "delay " + delayMs + "±" + jitterMs + " ms on every link";
    }

    @Override
    public void heal(DockerCluster cluster) {
        if (loss) {
            cluster.removeRules(chain);
        } else {
            cluster.stopDelay();
        }
    }
}
