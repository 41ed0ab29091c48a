package org.raftchat.node;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.raftchat.config.NodeSpec;
import org.raftchat.proto.v1.NodeStatus;

/** Pure helpers that assemble the cluster status from the nodes' own answers. */
final class ClusterStatuses {

    static final String LEADER_ROLE = "STATE_LEADER";

    private ClusterStatuses() {
    }

    static NodeStatus down(NodeSpec n, String reason) {
        return NodeStatus.newBuilder().setNodeId(n.id()).setApiAddress(n.apiAddress()).setUp(false).setDownReason(reason).build();
    }

    /** Why a node did not answer, in a few words an operator can act on. */
    static String downReason(Throwable failure, java.time.Duration waited) {
        io.grpc.Status status = io.grpc.Status.fromThrowable(failure);
        return switch (status.getCode()) {
            case DEADLINE_EXCEEDED -> "no answer within " + waited.toMillis() + " ms (paused, overloaded or cut off?)";
            case UNAVAILABLE -> "unreachable (" + rootMessage(failure) + ")";
            default -> GrpcErrors.describe(failure);
        };
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /**
     * Fills in each up node's lag: entries its log is behind the leader's. The leader is the node
     * that says it leads in the highest term (a deposed leader may not know yet); without one, lag stays 0.
     */
    static List<NodeStatus> withLag(List<NodeStatus> statuses) {
        Optional<NodeStatus> leader = statuses.stream()
                .filter(s -> s.getUp() && s.getRole().equals(LEADER_ROLE))
                .max(Comparator.comparingLong(NodeStatus::getTerm));
        if (leader.isEmpty()) {
            return statuses;
        }
        long leaderLast = leader.get().getLastLogIndex();
        return statuses.stream()
                .map(s -> s.getUp() ? s.toBuilder().setLag(Math.max(0, leaderLast - s.getLastLogIndex())).build() : s)
                .toList();
    }
}
