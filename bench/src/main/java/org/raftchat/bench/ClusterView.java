package org.raftchat.bench;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who is who at the start of a run.
 *
 * @param leader     the leader's API address
 * @param followers  the addresses of the other nodes that answered; empty if only the leader did
 * @param nodeIds    node id by API address, for the nodes that answered
 */
public record ClusterView(String leader, List<String> followers, Map<String, String> nodeIds) {

    public ClusterView {
        Objects.requireNonNull(leader, "leader");
        followers = List.copyOf(followers);
        nodeIds = Map.copyOf(nodeIds);
    }

    /** Where subscribers and readers go: the followers, or the leader if no follower answered. */
    public List<String> readNodes() {
        return followers.isEmpty() ? List.of(leader) : followers;
    }
}
