package org.raftchat.node;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.NodeSpec;
import org.raftchat.proto.v1.NodeStatus;
import org.raftchat.statemachine.ChatStateMachine;

/** This node's answers to the admin API: its own status, read from SOFAJRaft, the FSM and the state. */
final class LocalAdminView implements AdminGrpcService.Local {

    private final ClusterConfig config;
    private final NodeSpec self;
    private final Node node;
    private final ChatFsm fsm;
    private final ChatStateMachine stateMachine;
    private final RaftIntrospection introspection;
    private final Supplier<LeaderHint> leaderHint;
    private final Supplier<LeaderHint> knownLeader;

    /**
     * @param leaderHint  who leads, marked when this node is not a member (what callers are told)
     * @param knownLeader who leads, as SOFAJRaft says
     */
    LocalAdminView(ClusterConfig config, NodeSpec self, Node node, ChatFsm fsm, ChatStateMachine stateMachine,
                   RaftIntrospection introspection, Supplier<LeaderHint> leaderHint, Supplier<LeaderHint> knownLeader) {
        this.config = config;
        this.self = self;
        this.node = node;
        this.fsm = fsm;
        this.stateMachine = stateMachine;
        this.introspection = introspection;
        this.leaderHint = leaderHint;
        this.knownLeader = knownLeader;
    }

    @Override
    public NodeSpec self() {
        return self;
    }

    @Override
    public long leaderTerm() {
        return fsm.leaderTerm();
    }

    @Override
    public Duration leadingFor() {
        return fsm.leadingFor();
    }

    @Override
    public LeaderHint leaderHint() {
        return leaderHint.get();
    }

    @Override
    public List<String> members() {
        return introspection.currentConfiguration()
                .map(conf -> config.nodes().stream().filter(n -> conf.contains(PeerId.parsePeer(n.raftAddress())))
                        .map(NodeSpec::id).toList())
                .orElse(List.of());
    }

    @Override
    public NodeStatus status(boolean includeDigest) {
        RaftIntrospection.LogPositions positions = introspection.logPositions();
        NodeStatus.Builder status = NodeStatus.newBuilder()
                .setNodeId(self.id())
                .setApiAddress(self.apiAddress())
                .setUp(true)
                .setRole(fsm.fatalError() != null ? "STATE_ERROR" : node.getNodeState().name())
                .setTerm(fsm.currentTerm())
                .setLeaderId(knownLeader.get().leaderId())
                .setMember(introspection.isMember())
                .setFirstLogIndex(positions.firstLogIndex())
                .setLastLogIndex(introspection.lastLogIndex())
                .setCommittedIndex(introspection.committedIndex())
                .setAppliedIndex(stateMachine.appliedIndex())
                .setSnapshotIndex(positions.snapshotIndex());
        if (includeDigest) {
            status.setStateDigest(HexFormat.of().formatHex(stateMachine.stateDigest()));
        }
        return status.build();
    }
}
