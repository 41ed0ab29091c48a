package org.raftchat.node;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.ApplyTaskMode;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.Defaults;
import org.raftchat.config.NodeSpec;
import org.raftchat.config.RaftTuning;
import org.raftchat.proto.v1.ClusterInfo;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.PresenceTick;
import org.raftchat.statemachine.ChatStateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RaftChat server: a SOFAJRaft node (Bolt transport on the Raft port) whose state machine is
 * the chat state in RocksDB, and a gRPC server for clients on the API port.
 *
 * <p>Lifecycle: {@link #start} opens the state, joins the Raft group and starts serving;
 * {@link #close} ends subscriptions, stops gRPC, shuts the Raft node down fully (so the RocksDB
 * locks are released and the node can be started again in the same process) and closes the state.
 *
 * <p>Data layout under the node's data dir: {@code state/} (the state machine's RocksDB),
 * {@code raft/log}, {@code raft/meta}, {@code raft/snapshot} (SOFAJRaft's).
 */
public final class RaftChatNode implements AutoCloseable {

    static {
        // SOFA Bolt's logging tries to configure logback through an API logback 1.5 no longer has;
        // with this it logs through our SLF4J binding directly instead of printing a stack trace first.
        System.setProperty("logback.middleware.log.disable", System.getProperty("logback.middleware.log.disable", "true"));
    }

    private static final Logger LOG = LoggerFactory.getLogger(RaftChatNode.class);
    private static final int RESPONSE_THREADS = 4;
    private static final int SUBSCRIPTION_THREADS = 2;

    private final ClusterConfig config;
    private final NodeSpec self;
    private final ChatStateMachine stateMachine;
    private final ExecutorService responseExecutor;
    private final ExecutorService subscriptionExecutor;
    private final ScheduledExecutorService timer;
    private final SubscriptionHub subscriptions;
    private final ChatFsm fsm;
    private final RaftGroupService raftGroup;
    private final Node node;
    private final Server grpcServer;
    private boolean closed;

    private RaftChatNode(ClusterConfig config, NodeSpec self) throws IOException {
        this.config = config;
        this.self = self;
        Path raftDir = self.dataDir().resolve("raft");
        Files.createDirectories(raftDir);
        this.stateMachine = ChatStateMachine.open(self.dataDir().resolve("state"));
        this.responseExecutor = Executors.newFixedThreadPool(RESPONSE_THREADS, named("api-" + self.id()));
        this.subscriptionExecutor = Executors.newFixedThreadPool(SUBSCRIPTION_THREADS, named("subscriptions-" + self.id()));
        this.timer = Executors.newSingleThreadScheduledExecutor(named("timer-" + self.id()));
        this.subscriptions = new SubscriptionHub(stateMachine, subscriptionExecutor, config.limits().maxSubscriptionsPerNode());
        this.fsm = new ChatFsm(stateMachine, subscriptions);
        this.raftGroup = new RaftGroupService(config.groupId(), PeerId.parsePeer(self.raftAddress()), nodeOptions(raftDir));
        this.node = raftGroup.start();
        Proposer proposer = new Proposer(node, fsm::leaderTerm, this::leaderHint, Defaults.PROPOSAL_TIMEOUT);
        LinearizableReads reads = new LinearizableReads(node, timer, Defaults.READ_INDEX_TIMEOUT);
        RequestValidator validator = new RequestValidator(config.limits());
        SecureRandom random = new SecureRandom();
        LeaderGate leaderGate = () -> {
            if (fsm.leaderTerm() < 0) {
                throw GrpcErrors.notLeader(leaderHint());
            }
        };
        AccountCalls accounts = new AccountCalls(validator, proposer, reads, stateMachine,
                new Passwords(random, Defaults.PASSWORD_HASH_ITERATIONS), new SessionTokens(random, Defaults.SESSION_TOKEN_BYTES),
                leaderGate, responseExecutor);
        Authenticator authenticator = new Authenticator(stateMachine, reads,
                new SessionRateLimiter(config.limits().maxRequestsPerSecondPerSession(), System::nanoTime), responseExecutor);
        ChatGrpcService service = new ChatGrpcService(validator, proposer, reads, stateMachine,
                subscriptions, this::clusterInfo, authenticator, accounts, config.limits(), responseExecutor);
        this.grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress(self.host(), self.apiPort()))
                .maxInboundMessageSize(config.limits().maxInboundGrpcBytes())
                .permitKeepAliveTime(Defaults.KEEPALIVE_MIN_PERMITTED.toMillis(), TimeUnit.MILLISECONDS)
                .executor(responseExecutor)
                .addService(ServerInterceptors.intercept(service, new AuthInterceptor()))
                .addService(new AdminGrpcService(node, config, fsm::leaderTerm, this::leaderHint, responseExecutor))
                .build()
                .start();
        schedulePresenceTicks(proposer);
    }

    /**
     * The leader, and only the leader, proposes a presence tick every sixth of the presence timeout,
     * stamped with its clock; apply takes silent sessions offline. A failed tick is simply the next
     * tick's job (a new leader starts ticking as soon as it leads).
     */
    private void schedulePresenceTicks(Proposer proposer) {
        long timeoutMs = config.limits().presenceTimeoutMs();
        long periodMs = Math.max(100, timeoutMs / 6);
        timer.scheduleAtFixedRate(() -> {
            if (fsm.leaderTerm() >= 0) {
                proposer.propose(Command.newBuilder().setPresenceTick(PresenceTick.newBuilder().setOfflineAfterMs(timeoutMs)))
                        .whenComplete((result, error) -> {
                            if (error != null) {
                                LOG.debug("Presence tick not applied: {}", error.toString());
                            }
                        });
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** Opens the node's state, joins the Raft group and starts serving clients. */
    public static RaftChatNode start(ClusterConfig config, String nodeId) throws IOException {
        NodeSpec self = config.node(nodeId).orElseThrow(() -> new IllegalArgumentException(
                "node '" + nodeId + "' is not in the cluster file (nodes: "
                        + config.nodes().stream().map(NodeSpec::id).toList() + ")"));
        RaftChatNode node = new RaftChatNode(config, self);
        LOG.info("Node {} started: raft {} api {} data {}", self.id(), self.raftAddress(), self.apiAddress(), self.dataDir());
        return node;
    }

    private NodeOptions nodeOptions(Path raftDir) {
        NodeOptions options = new NodeOptions();
        Configuration initial = new Configuration();
        if (!initial.parse(config.initialRaftConfiguration())) {
            throw new IllegalArgumentException("cannot parse the Raft configuration " + config.initialRaftConfiguration());
        }
        options.setInitialConf(initial);
        options.setFsm(fsm);
        options.setElectionTimeoutMs(Math.toIntExact(config.electionTimeout().toMillis()));
        options.setSnapshotIntervalSecs(Math.toIntExact(config.snapshotInterval().toSeconds()));
        options.setLogUri(raftDir.resolve("log").toString());
        options.setRaftMetaUri(raftDir.resolve("meta").toString());
        options.setSnapshotUri(raftDir.resolve("snapshot").toString());
        // A full queue answers "busy" (RESOURCE_EXHAUSTED) instead of blocking gRPC threads.
        options.setApplyTaskMode(ApplyTaskMode.NonBlocking);
        RaftOptions raftOptions = new RaftOptions();
        raftOptions.setDisruptorBufferSize(powerOfTwoAtLeast(config.limits().maxPendingProposals()));
        RaftTuning tuning = config.raft();
        raftOptions.setApplyBatch(tuning.applyBatch());
        raftOptions.setMaxAppendBufferSize(tuning.maxAppendBufferBytes());
        raftOptions.setMaxEntriesSize(tuning.maxEntriesPerRpc());
        raftOptions.setMaxReplicatorInflightMsgs(tuning.maxInflightRpcs());
        raftOptions.setReplicatorPipeline(tuning.replicatorPipeline());
        // Never off: an entry counts toward a majority only once it is on disk.
        raftOptions.setSync(true);
        options.setRaftOptions(raftOptions);
        return options;
    }

    public String id() {
        return self.id();
    }

    public boolean isLeader() {
        return fsm.leaderTerm() >= 0;
    }

    public long appliedIndex() {
        return stateMachine.appliedIndex();
    }

    /** A digest of the whole replicated state; equal on replicas that applied the same log prefix. */
    public byte[] stateDigest() {
        return stateMachine.stateDigest();
    }

    /** Asks SOFAJRaft for a snapshot now (normally it takes one every snapshot interval). */
    public void snapshotNow(com.alipay.sofa.jraft.Closure done) {
        node.snapshot(done);
    }

    LeaderHint leaderHint() {
        PeerId leader = node.getLeaderId();
        if (leader == null || leader.isEmpty()) {
            return LeaderHint.UNKNOWN;
        }
        return config.nodeByRaftAddress(leader.getEndpoint().toString())
                .map(n -> new LeaderHint(n.id(), n.apiAddress()))
                .orElse(LeaderHint.UNKNOWN);
    }

    ClusterInfo clusterInfo() {
        LeaderHint leader = leaderHint();
        return ClusterInfo.newBuilder()
                .setNodeId(self.id())
                .setRole(fsm.fatalError() != null ? "STATE_ERROR" : node.getNodeState().name())
                .setTerm(fsm.currentTerm())
                .setLeaderId(leader.leaderId())
                .setLeaderApiAddress(leader.leaderApiAddress())
                .setAppliedIndex(stateMachine.appliedIndex())
                .build();
    }

    public void blockUntilShutdown() throws InterruptedException {
        grpcServer.awaitTermination();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Node {} stopping", self.id());
        subscriptions.close();
        grpcServer.shutdown();
        awaitQuietly(() -> grpcServer.awaitTermination(5, TimeUnit.SECONDS));
        grpcServer.shutdownNow();
        raftGroup.shutdown();
        awaitQuietly(() -> {
            raftGroup.join();
            return true;
        });
        timer.shutdownNow();
        subscriptionExecutor.shutdownNow();
        responseExecutor.shutdown();
        awaitQuietly(() -> responseExecutor.awaitTermination(5, TimeUnit.SECONDS));
        stateMachine.close();
        LOG.info("Node {} stopped", self.id());
    }

    private interface Wait {
        boolean await() throws InterruptedException;
    }

    private static void awaitQuietly(Wait wait) {
        try {
            wait.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int powerOfTwoAtLeast(int n) {
        int p = Integer.highestOneBit(Math.max(1, n));
        return p == n ? p : p << 1;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger seq = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + seq.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
