package org.raftchat.chaos.nemesis;

import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;

/** Removes a node from the Raft configuration while clients write; healing adds it back. */
public final class MembershipNemesis implements Nemesis {

    private String removed;

    @Override
    public String name() {
        return "membership";
    }

    @Override
    public String inject(DockerCluster cluster, Random random) {
        String node = cluster.nodeIds().get(random.nextInt(cluster.nodeIds().size()));
        var members = cluster.removeNode(node);
        removed = node;
        return "remove " + node + " (members now " + members + ")";
    }

    @Override
    public void heal(DockerCluster cluster) {
        if (removed != null) {
            cluster.addNode(removed);
            removed = null;
        }
    }
}
