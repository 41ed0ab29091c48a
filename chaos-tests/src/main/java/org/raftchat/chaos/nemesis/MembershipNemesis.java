package org.raftchat.chaos.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;
import org.raftchat.chaos.cluster.RemovalRefused;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a node from the Raft configuration while clients write; healing adds it back. During
 * another fault it removes the node that fault holds (a crashed node, as an operator would), so
 * that on 3 nodes the composition does not simply remove the last quorum; a node still down at
 * healing is added back as soon as it is restarted.
 *
 * <p>The leader refuses a removal that would leave no majority it hears from (under a ring partition,
 * removing the leader or its neighbour); the nemesis then tries the other nodes it chose from, in id
 * order from the first (wrapping around), as an operator told why would. If the leader refuses them
 * all, that is the fault's outcome: nothing was removed, and the cluster kept a leader.
 */
public final class MembershipNemesis implements Nemesis {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipNemesis.class);

    private String removed;

    @Override
    public String name() {
        return "membership";
    }

    @Override
    public String inject(DockerCluster cluster, Random random) {
        List<String> held = cluster.nodeIds().stream().filter(id -> !cluster.freeNodes().contains(id)).toList();
        List<String> pool = held.isEmpty() ? cluster.nodeIds() : held;
        int first = random.nextInt(pool.size());
        List<String> refusals = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            String node = pool.get((first + i) % pool.size());
            try {
                var members = cluster.removeNode(node);
                removed = node;
                return (refusals.isEmpty() ? "" : String.join("; ", refusals) + "; then ")
                        + "remove " + node + " (members now " + members + ")";
            } catch (RemovalRefused refused) {
                refusals.add("remove " + node + " refused");
                LOG.info("membership: the leader refused to remove {}: {}", node, refused.getMessage());
            }
        }
        return "every removal refused (" + String.join(", ", pool) + "): the nodes left would have had no majority"
                + " the leader hears from; nothing removed";
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
