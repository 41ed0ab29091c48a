package org.raftchat.node;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.PeerId;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.Defaults;
import org.raftchat.config.NodeSpec;
import org.raftchat.proto.v1.AdminServiceGrpc;
import org.raftchat.proto.v1.BackupChunk;
import org.raftchat.proto.v1.BackupRequest;
import org.raftchat.proto.v1.ClusterStatusRequest;
import org.raftchat.proto.v1.ClusterStatusResponse;
import org.raftchat.proto.v1.MembershipRequest;
import org.raftchat.proto.v1.MembershipResponse;
import org.raftchat.proto.v1.NodeStatus;
import org.raftchat.proto.v1.NodeStatusRequest;
import org.raftchat.proto.v1.SnapshotResult;
import org.raftchat.proto.v1.TransferLeadershipRequest;
import org.raftchat.proto.v1.TransferLeadershipResponse;
import org.raftchat.proto.v1.TriggerSnapshotRequest;
import org.raftchat.proto.v1.TriggerSnapshotResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API of one node (behind {@link AdminAuthInterceptor}): membership changes through
 * SOFAJRaft's joint consensus and leadership transfers on the leader; status and snapshots on any
 * node, which gathers them from the others when asked for the whole cluster.
 */
final class AdminGrpcService extends AdminServiceGrpc.AdminServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(AdminGrpcService.class);
    private static final long TRANSFER_POLL_MS = 50;

    /** What this node knows about itself, supplied by {@link RaftChatNode}. */
    interface Local {
        NodeSpec self();

        /** The term this node leads, or -1. */
        long leaderTerm();

        /** How long this node has led its current term (zero if it does not lead). */
        Duration leadingFor();

        LeaderHint leaderHint();

        NodeStatus status(boolean includeDigest);

        /** Node ids of the Raft configuration as this node knows it, in cluster-file order. */
        List<String> members();
    }

    private final Node node;
    private final ClusterConfig config;
    private final Local local;
    private final PeerAdmin peers;
    private final ScheduledExecutorService timer;
    private final Executor responseExecutor;
    private final Supplier<CompletableFuture<StateBackup.Archive>> backups;
    private final Runnable emptyEntry;

    /**
     * @param backups writes a consistent backup archive of this node's state (after a read barrier)
     * @param emptyEntry proposes a log entry that changes no state (see {@link #addNode})
     */
    AdminGrpcService(Node node, ClusterConfig config, Local local, PeerAdmin peers, ScheduledExecutorService timer,
                     Executor responseExecutor, Supplier<CompletableFuture<StateBackup.Archive>> backups,
                     Runnable emptyEntry) {
        this.node = node;
        this.config = config;
        this.local = local;
        this.peers = peers;
        this.timer = timer;
        this.responseExecutor = responseExecutor;
        this.backups = backups;
        this.emptyEntry = emptyEntry;
    }

    // ---- membership ----

    @Override
    public void removeNode(MembershipRequest request, StreamObserver<MembershipResponse> out) {
        change("remove", request, out, node::removePeer);
    }

    /**
     * SOFAJRaft (1.4.1) starts the new peer's replicator, which probes the peer at once, and only then
     * registers its wait for the peer to catch up. A peer that is already level (re-added right after
     * its removal) may answer in between; after that only an answer to appended entries reports
     * progress, not heartbeats, so on an idle cluster the change would wait for the next write. One
     * entry that changes nothing, proposed once addPeer has registered that wait, ends it.
     */
    @Override
    public void addNode(MembershipRequest request, StreamObserver<MembershipResponse> out) {
        change("add", request, out, (peer, done) -> {
            node.addPeer(peer, done);
            emptyEntry.run();
        });
    }

    private void change(String verb, MembershipRequest request, StreamObserver<MembershipResponse> out,
                        BiConsumer<PeerId, Closure> operation) {
        NodeSpec target = config.node(request.getNodeId()).orElse(null);
        if (target == null) {
            out.onError(GrpcErrors.unknownNode(request.getNodeId(), ids(config.nodes())));
            return;
        }
        if (local.leaderTerm() < 0) {
            out.onError(GrpcErrors.notLeader(local.leaderHint()));
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
            Set<String> membersAfter = new HashSet<>(members);
            if (remove) {
                membersAfter.remove(target.raftAddress());
            } else {
                membersAfter.add(target.raftAddress());
            }
            if (remove && (judgedLater(() -> change(verb, request, out, operation)) || losesQuorum(target, membersAfter, out))) {
                return;
            }
            operation.accept(PeerId.parsePeer(target.raftAddress()),
                    status -> responseExecutor.execute(() -> answer(verb, target, status, membersAfter, out)));
        } catch (IllegalStateException notLeaderAnyMore) {
            out.onError(GrpcErrors.notLeader(local.leaderHint()));
        } catch (RuntimeException e) {
            LOG.warn("Membership change {} {} refused: {}", verb, target.id(), e.toString());
            out.onError(GrpcErrors.toStatus(e));
        }
    }

    /**
     * Runs {@code again} once this leader can tell which peers it hears from, if it cannot yet (it was
     * elected less than a lease ago, see {@link RemovalQuorum#waitToJudge}); false if it can now.
     */
    private boolean judgedLater(Runnable again) {
        Duration wait = RemovalQuorum.waitToJudge(local.leadingFor(), Duration.ofMillis(node.getOptions().getLeaderLeaseTimeoutMs()));
        if (wait.isZero()) {
            return false;
        }
        timer.schedule(again, wait.toNanos(), TimeUnit.NANOSECONDS);
        return true;
    }

    /** Refuses (and answers) a removal after which no majority is left that this leader hears from ({@link RemovalQuorum}). */
    private boolean losesQuorum(NodeSpec target, Set<String> membersAfter, StreamObserver<MembershipResponse> out) {
        RemovalQuorum quorum = RemovalQuorum.of(membersAfter, raftAddresses(node.listAlivePeers()));
        if (quorum.kept()) {
            return false;
        }
        List<String> left = idsOf(quorum.membersAfter());
        List<String> reachable = idsOf(quorum.reachableAfter());
        LOG.warn("Membership change refused: remove {} would leave {} with {} reachable ({} needed)",
                target.id(), left, reachable, quorum.needed());
        out.onError(GrpcErrors.removalLosesQuorum(target.id(), left, reachable, quorum.needed()));
        return true;
    }

    private void answer(String verb, NodeSpec target, Status status, Set<String> membersAfter,
                        StreamObserver<MembershipResponse> out) {
        if (!status.isOk()) {
            LOG.warn("Membership change failed: {} {}: {}", verb, target.id(), status);
            out.onError(GrpcErrors.membershipChangeFailed(verb, target.id(), status));
            return;
        }
        List<String> members = idsOf(membersAfter);
        LOG.info("Membership changed: {} {}; members now {}", verb, target.id(), members);
        out.onNext(MembershipResponse.newBuilder().addAllMembers(members).build());
        out.onCompleted();
    }

    // ---- status ----

    @Override
    public void getNodeStatus(NodeStatusRequest request, StreamObserver<NodeStatus> out) {
        reply(out, CompletableFuture.supplyAsync(() -> local.status(request.getIncludeDigest()), responseExecutor));
    }

    @Override
    public void clusterStatus(ClusterStatusRequest request, StreamObserver<ClusterStatusResponse> out) {
        List<CompletableFuture<NodeStatus>> answers = config.nodes().stream()
                .map(n -> statusOf(n, request.getIncludeDigest()))
                .toList();
        reply(out, CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<NodeStatus> statuses = ClusterStatuses.withLag(answers.stream().map(CompletableFuture::join).toList());
            LeaderHint leader = local.leaderHint();
            return ClusterStatusResponse.newBuilder().addAllNodes(statuses).setLeaderId(leader.leaderId())
                    .addAllMembers(local.members()).build();
        }));
    }

    /** A node's status; a node that does not answer in time is down, which is an answer, not an error. */
    private CompletableFuture<NodeStatus> statusOf(NodeSpec n, boolean includeDigest) {
        if (n.id().equals(local.self().id())) {
            return CompletableFuture.supplyAsync(() -> local.status(includeDigest), responseExecutor);
        }
        Duration deadline = includeDigest ? Defaults.SNAPSHOT_TIMEOUT : Defaults.STATUS_PROBE_TIMEOUT;
        return peers.nodeStatus(n, includeDigest, deadline)
                .exceptionally(e -> ClusterStatuses.down(n, ClusterStatuses.downReason(e, deadline)));
    }

    // ---- leadership ----

    @Override
    public void transferLeadership(TransferLeadershipRequest request, StreamObserver<TransferLeadershipResponse> out) {
        String target = request.getNodeId();
        if (!target.isEmpty() && config.node(target).isEmpty()) {
            out.onError(GrpcErrors.unknownNode(target, ids(config.nodes())));
            return;
        }
        if (local.leaderTerm() < 0) {
            out.onError(GrpcErrors.notLeader(local.leaderHint()));
            return;
        }
        String self = local.self().id();
        if (target.equals(self)) {
            reply(out, CompletableFuture.completedFuture(transferred(self, self)));
            return;
        }
        PeerId peer = target.isEmpty() ? PeerId.ANY_PEER : PeerId.parsePeer(config.node(target).orElseThrow().raftAddress());
        LOG.info("Leadership transfer requested to {}", target.isEmpty() ? "the most up-to-date follower" : target);
        Status status = node.transferLeadershipTo(peer);
        if (!status.isOk()) {
            out.onError(GrpcErrors.transferRefused(target, status));
            return;
        }
        CompletableFuture<TransferLeadershipResponse> done = new CompletableFuture<>();
        long deadline = System.nanoTime() + Defaults.TRANSFER_LEADERSHIP_TIMEOUT.toNanos();
        awaitNewLeader(target, deadline, done);
        reply(out, done);
    }

    private void awaitNewLeader(String target, long deadlineNanos, CompletableFuture<TransferLeadershipResponse> done) {
        LeaderHint hint = local.leaderHint();
        String self = local.self().id();
        if (hint.known() && !hint.leaderId().equals(self) && (target.isEmpty() || hint.leaderId().equals(target))) {
            LOG.info("Leadership transferred to {}", hint.leaderId());
            done.complete(transferred(self, hint.leaderId()));
        } else if (System.nanoTime() > deadlineNanos) {
            done.completeExceptionally(GrpcErrors.transferTimedOut(target, Defaults.TRANSFER_LEADERSHIP_TIMEOUT.toMillis()));
        } else {
            timer.schedule(() -> awaitNewLeader(target, deadlineNanos, done), TRANSFER_POLL_MS, TimeUnit.MILLISECONDS);
        }
    }

    private static TransferLeadershipResponse transferred(String from, String to) {
        return TransferLeadershipResponse.newBuilder().setPreviousLeaderId(from).setNewLeaderId(to).build();
    }

    // ---- snapshots ----

    @Override
    public void triggerSnapshot(TriggerSnapshotRequest request, StreamObserver<TriggerSnapshotResponse> out) {
        String target = request.getNodeId();
        if (target.isEmpty()) {
            List<CompletableFuture<SnapshotResult>> results = config.nodes().stream().map(this::snapshotOrFailure).toList();
            reply(out, CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(done ->
                    TriggerSnapshotResponse.newBuilder().addAllResults(results.stream().map(CompletableFuture::join).toList()).build()));
            return;
        }
        NodeSpec spec = config.node(target).orElse(null);
        if (spec == null) {
            out.onError(GrpcErrors.unknownNode(target, ids(config.nodes())));
            return;
        }
        reply(out, snapshot(spec).thenApply(r -> TriggerSnapshotResponse.newBuilder().addResults(r).build()));
    }

    private CompletableFuture<SnapshotResult> snapshotOrFailure(NodeSpec n) {
        return snapshot(n).exceptionally(e -> SnapshotResult.newBuilder().setNodeId(n.id()).setOk(false)
                .setError(GrpcErrors.describe(e)).build());
    }

    private CompletableFuture<SnapshotResult> snapshot(NodeSpec n) {
        if (!n.id().equals(local.self().id())) {
            return peers.snapshot(n, Defaults.SNAPSHOT_TIMEOUT).thenApply(r -> r.getResults(0));
        }
        CompletableFuture<Status> saved = new CompletableFuture<>();
        LOG.info("Snapshot requested by an admin");
        node.snapshot(saved::complete);
        return saved.orTimeout(Defaults.SNAPSHOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .thenApplyAsync(status -> snapshotResult(n.id(), status), responseExecutor);
    }

    private SnapshotResult snapshotResult(String nodeId, Status status) {
        NodeStatus after = local.status(false);
        return SnapshotResult.newBuilder().setNodeId(nodeId).setOk(status.isOk())
                .setError(status.isOk() ? "" : status.getErrorMsg())
                .setSnapshotIndex(after.getSnapshotIndex()).setFirstLogIndex(after.getFirstLogIndex()).build();
    }

    // ---- backups ----

    @Override
    public void backup(BackupRequest request, StreamObserver<BackupChunk> out) {
        ServerCallStreamObserver<BackupChunk> call = (ServerCallStreamObserver<BackupChunk>) out;
        BackupSender sender = new BackupSender(call);
        call.setOnReadyHandler(sender::drain);
        call.setOnCancelHandler(sender::cancel);
        LOG.info("Backup requested by an admin");
        backups.get().whenCompleteAsync(sender::start, responseExecutor);
    }

    // ---- helpers ----

    private <T> void reply(StreamObserver<T> out, CompletableFuture<T> result) {
        result.whenCompleteAsync((value, error) -> {
            if (error != null) {
                out.onError(GrpcErrors.toStatus(error));
            } else {
                out.onNext(value);
                out.onCompleted();
            }
        }, responseExecutor);
    }

    private static Set<String> raftAddresses(List<PeerId> peers) {
        return peers.stream().map(p -> p.getEndpoint().toString()).collect(Collectors.toCollection(HashSet::new));
    }

    /** The node ids of these Raft addresses, in cluster-file order. */
    private List<String> idsOf(Set<String> raftAddresses) {
        return config.nodes().stream().filter(n -> raftAddresses.contains(n.raftAddress())).map(NodeSpec::id).toList();
    }

    private static String ids(List<NodeSpec> nodes) {
        return nodes.stream().map(NodeSpec::id).collect(Collectors.joining(", "));
    }
}
