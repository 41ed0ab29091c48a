package org.raftchat.chaos.nemesis;

import java.util.List;
import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;

/**
 * Removes a node from the Raft configuration while clients write; healing adds it back. During
 * another fault it removes the node that fault holds (a crashed node, as an operator would), so
 * that on 3 nodes the composition does not simply remove the last quorum; a node still down at
 * healing is added back as soon as it is restarted.
 */
public final class MembershipNemesis implements Nemesis {

    private String removed;

    @Override
    public String name() {
        return "membership";
    }

    @Override
    public String inject(DockerCluster cluster, Random random) {
        List<String> held = cluster.nodeIds().stream().filter(id -> !cluster.freeNodes().contains(id)).toList();
        String node = held.isEmpty() ? cluster.nodeIds().get(random.nextInt(cluster.nodeIds().size()))
                : held.get(random.nextInt(held.size()));
        var members = cluster.removeNode(node);
        removed = node;
        return "remove " + node + " (members now " + members + ")";
    }

    @Override
    public boolean healNeedsLeader() {
        return true;
    }

    @Override
    public void heal(DockerCluster cluster) {
        if (removed != null && cluster.freeNodes().contains(removed)) {
            cluster.addNode(removed);
        } else if (removed != null) {
            cluster.addNodeWhenRestarted(removed);
        }
        removed = null;
    }
}
