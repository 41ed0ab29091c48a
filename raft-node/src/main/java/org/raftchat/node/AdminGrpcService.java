package org.raftchat.node;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.PeerId;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.NodeSpec;
import org.raftchat.proto.v1.AdminServiceGrpc;
import org.raftchat.proto.v1.MembershipRequest;
import org.raftchat.proto.v1.MembershipResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Membership changes through SOFAJRaft's joint consensus, on the leader only. */
final class AdminGrpcService extends AdminServiceGrpc.AdminServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(AdminGrpcService.class);

    private final Node node;
    private final ClusterConfig config;
    private final LongSupplier leaderTerm;
    private final Supplier<LeaderHint> leaderHint;
    private final Executor responseExecutor;

    AdminGrpcService(Node node, ClusterConfig config, LongSupplier leaderTerm, Supplier<LeaderHint> leaderHint,
                     Executor responseExecutor) {
        this.node = node;
        this.config = config;
        this.leaderTerm = leaderTerm;
        this.leaderHint = leaderHint;
        this.responseExecutor = responseExecutor;
    }

    @Override
    public void removeNode(MembershipRequest request, StreamObserver<MembershipResponse> out) {
        change("remove", request, out, node::removePeer);
    }

    @Override
    public void addNode(MembershipRequest request, StreamObserver<MembershipResponse> out) {
        change("add", request, out, node::addPeer);
    }

    private void change(String verb, MembershipRequest request, StreamObserver<MembershipResponse> out,
                        BiConsumer<PeerId, Closure> operation) {
        NodeSpec target = config.node(request.getNodeId()).orElse(null);
        if (target == null) {
            out.onError(io.grpc.Status.NOT_FOUND.withDescription("node '" + request.getNodeId()
                    + "' is not in the cluster file (nodes: " + ids(config.nodes()) + ")").asRuntimeException());
            return;
        }
        if (leaderTerm.getAsLong() < 0) {
            out.onError(GrpcErrors.notLeader(leaderHint.get()));
            return;
        }
        LOG.info("Membership change requested: {} {}", verb, target.id());
        try {
            Set<String> members = raftAddresses(node.listPeers());
            boolean remove = verb.equals("remove");
            if (members.contains(target.raftAddress()) != remove) {
                // Already done (a retry after a lost answer, say): answer with the members as they are.
                answer(verb, target, Status.OK(), members, out);
                return;
            }
            // Computed now: a leader that removes itself is no longer leader when the change completes.
            Set<String> membersAfter = new java.util.HashSet<>(members);
            if (remove) {
                membersAfter.remove(target.raftAddress());
            } else {
                membersAfter.add(target.raftAddress());
            }
            operation.accept(PeerId.parsePeer(target.raftAddress()),
                    status -> responseExecutor.execute(() -> answer(verb, target, status, membersAfter, out)));
        } catch (IllegalStateException notLeaderAnyMore) {
            out.onError(GrpcErrors.notLeader(leaderHint.get()));
        } catch (RuntimeException e) {
            LOG.warn("Membership change {} {} refused: {}", verb, target.id(), e.toString());
            out.onError(GrpcErrors.toStatus(e));
        }
    }

    private void answer(String verb, NodeSpec target, Status status, Set<String> membersAfter,
                        StreamObserver<MembershipResponse> out) {
        if (!status.isOk()) {
            LOG.warn("Membership change failed: {} {}: {}", verb, target.id(), status);
            out.onError(io.grpc.Status.FAILED_PRECONDITION
                    .withDescription("cannot " + verb + " node " + target.id() + ": " + status.getErrorMsg())
                    .asRuntimeException());
            return;
        }
        List<String> members = config.nodes().stream().filter(n -> membersAfter.contains(n.raftAddress())).map(NodeSpec::id).toList();
        LOG.info("Membership changed: {} {}; members now {}", verb, target.id(), members);
        out.onNext(MembershipResponse.newBuilder().addAllMembers(members).build());
        out.onCompleted();
    }

    private static Set<String> raftAddresses(List<PeerId> peers) {
        return peers.stream().map(p -> p.getEndpoint().toString()).collect(Collectors.toCollection(java.util.HashSet::new));
    }

    private static String ids(List<NodeSpec> nodes) {
        return nodes.stream().map(NodeSpec::id).collect(Collectors.joining(", "));
    }
}
