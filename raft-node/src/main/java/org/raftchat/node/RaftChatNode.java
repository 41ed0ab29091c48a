package org.raftchat.node;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.ApplyTaskMode;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.option.ReadOnlyOption;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.raftchat.config.AdminToken;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.Defaults;
import org.raftchat.config.InvalidClusterConfigException;
import org.raftchat.config.NodeSpec;
import org.raftchat.config.RaftTuning;
import org.raftchat.config.ReadMode;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.node.metrics.GrpcMetricsInterceptor;
import org.raftchat.node.metrics.MetricsServer;
import org.raftchat.node.metrics.NodeMetrics;
import org.raftchat.node.metrics.NodeStatusView;
import org.raftchat.proto.v1.ClusterInfo;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.ExpireQueueDeliveries;
import org.raftchat.proto.v1.ExpireSessions;
import org.raftchat.proto.v1.PresenceTick;
import org.raftchat.statemachine.ChatStateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RaftChat server: a SOFAJRaft node (Bolt transport on the Raft port) whose state machine is
 * the chat state in RocksDB, and a gRPC server for clients on the API port.
 *
 * <p>Lifecycle: {@link #start} opens the state, joins the Raft group and starts serving, or, if a
 * step fails, stops what it had started and throws (see {@link Startup}): ports and RocksDB locks are free again;
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
    private static final long HEALTH_REFRESH_MS = 500;
    /** The leader's heartbeats per election timeout (see {@link #nodeOptions}). */
    static final int HEARTBEATS_PER_ELECTION_TIMEOUT = 3;
    /** Under the data dir: where backups are written before they are streamed (deleted afterwards). */
    static final String BACKUP_WORK_DIR = "backups";

    private final ClusterConfig config;
    private final NodeSpec self;
    private final ChatStateMachine stateMachine;
    private final ExecutorService responseExecutor;
    private final ExecutorService subscriptionExecutor;
    private final ScheduledExecutorService timer;
    private final ExecutorService proposalSubmitter;
    private final PasswordWork passwordWork;
    private final SubscriptionHub subscriptions;
    private final ChatFsm fsm;
    private final ExecutorService raftRpcExecutor;
    private final RaftGroupService raftGroup;
    private final Node node;
    private final Server grpcServer;
    private final NodeMetrics metrics;
    private final NodeHealth health;
    private final MetricsServer metricsServer;
    private final RaftIntrospection introspection;
    private final PeerAdmin peerAdmin;
    private boolean closed;

    /** Starts each part through {@code startup}, which stops the parts already started if a later one fails. */
    private RaftChatNode(ClusterConfig config, NodeSpec self, Optional<AdminToken> adminToken, Consumer<FatalError> onFatalError,
                         Startup startup) throws IOException {
        this.config = config;
        this.self = self;
        Path raftDir = self.dataDir().resolve("raft");
        Files.createDirectories(raftDir);
        // Backups a crash interrupted are of no use to anyone.
        StateBackup.deleteRecursively(self.dataDir().resolve(BACKUP_WORK_DIR));
        Path stateDir = self.dataDir().resolve("state");
        this.stateMachine = startup.open("the state in " + stateDir, () -> ChatStateMachine.open(stateDir), ChatStateMachine::close);
        this.responseExecutor = startup.open("the response threads",
                () -> Executors.newFixedThreadPool(RESPONSE_THREADS, threads("api")), ExecutorService::shutdownNow);
        this.subscriptionExecutor = startup.open("the subscription threads",
                () -> Executors.newFixedThreadPool(SUBSCRIPTION_THREADS, threads("subscriptions")), ExecutorService::shutdownNow);
        this.timer = startup.open("the timer",
                () -> Executors.newSingleThreadScheduledExecutor(threads("timer")), ExecutorService::shutdownNow);
        this.proposalSubmitter = startup.open("the proposer thread",
                () -> Executors.newSingleThreadExecutor(threads("proposer")), ExecutorService::shutdownNow);
        this.passwordWork = startup.open("the password threads", () -> new PasswordWork(Defaults.PASSWORD_WORK_THREADS,
                Defaults.PASSWORD_WORK_QUEUE, threads("passwords")), PasswordWork::close);
        this.subscriptions = new SubscriptionHub(stateMachine, subscriptionExecutor, config.limits());
        this.metrics = new NodeMetrics();
        this.metricsServer = startup.open("the metrics server on " + self.host() + ":" + self.metricsPort(),
                () -> MetricsServer.start(metrics, self.host(), self.metricsPort()), MetricsServer::close);
        LeaderDuties leaderDuties = new LeaderDuties(timer);
        this.fsm = new ChatFsm(stateMachine, subscriptions, metrics, leaderDuties, onFatalError);
        NodeOptions nodeOptions = nodeOptions(raftDir);
        RaftLogStorageOptions.register();
        // Like the pool SOFAJRaft's RaftGroupService makes (fixed size, unbounded queue), but shut down in close.
        this.raftRpcExecutor = startup.open("the Raft RPC threads",
                () -> Executors.newFixedThreadPool(nodeOptions.getRaftRpcThreadPoolSize(), threads("raft-rpc")),
                ExecutorService::shutdownNow);
        RpcServer raftPort = RaftPort.coreOnly(self, raftRpcExecutor);
        this.raftGroup = new RaftGroupService(config.groupId(), PeerId.parsePeer(self.raftAddress()), nodeOptions, raftPort);
        this.node = startup.open("the Raft node on " + self.raftAddress(), () -> startRaft(raftPort), started -> stopRaft());
        this.introspection = new RaftIntrospection(node, PeerId.parsePeer(self.raftAddress()));
        this.peerAdmin = startup.open("the channels to peers",
                () -> new PeerAdmin(adminToken, ServerTls.peerCredentials(config.tls(), self.id())), PeerAdmin::close);
        Proposer proposer = new Proposer(node, fsm::leaderTerm, this::leaderHint,
                new Proposer.Settings(Defaults.PROPOSAL_TIMEOUT, Defaults.PROPOSAL_TIMEOUT_SWEEP,
                        config.raft().maxCommandsPerEntry(), Defaults.RAFT_MAX_BYTES_PER_ENTRY,
                        Defaults.RAFT_MAX_ENTRIES_IN_FLIGHT, Duration.ofMillis(config.raft().groupLingerMs()),
                        Defaults.RAFT_GROUP_QUIET, Defaults.RAFT_BUSY_MIN_GROUP_QUIET, Defaults.RAFT_BUSY_GROUP_QUIET,
                        Defaults.RAFT_BUSY_WRITES_PER_SECOND),
                proposalSubmitter, timer, metrics);
        LinearizableReads reads = new LinearizableReads(node, timer, Defaults.READ_INDEX_TIMEOUT, metrics);
        RequestValidator validator = new RequestValidator(config.limits());
        SecureRandom random = new SecureRandom();
        LeaderGate leaderGate = () -> {
            if (fsm.leaderTerm() < 0) {
                throw GrpcErrors.notLeader(leaderHint());
            }
        };
        AddressRateLimiter unauthenticatedCalls = new AddressRateLimiter(
                config.limits().maxUnauthenticatedCallsPerSecondPerAddress(), System::nanoTime);
        Authenticator authenticator = new Authenticator(stateMachine::session, stateMachine::appliedIndex, reads,
                new SessionRateLimiter(config.limits().maxRequestsPerSecondPerSession(), System::nanoTime),
                unauthenticatedCalls, responseExecutor);
        HeardSessions heardSessions = new HeardSessions(System::nanoTime);
        OwnWayRoutes ownWay = new OwnWayRoutes(validator, proposer::propose, reads, stateMachine,
                new Passwords(random, Defaults.PASSWORD_HASH_ITERATIONS), new SessionTokens(random, Defaults.SESSION_TOKEN_BYTES),
                leaderGate, authenticator::caller, new LoginThrottle(config.limits().loginThrottling(), stateMachine::loginFailures,
                        // The time apply will stamp: never behind the state's last time.
                        () -> Math.max(System.currentTimeMillis(), stateMachine.lastTimestampMs())),
                new IdempotencyStamp(config.limits().idempotencyWindowMs()), passwordWork, responseExecutor, config.sessions(),
                heardSessions);
        ChatGrpcService service = new ChatGrpcService(validator, proposer, reads, stateMachine,
                subscriptions, this::clusterInfo, authenticator, ownWay, leaderGate, config.limits(), responseExecutor);
        this.health = new NodeHealth(this::canServe);
        GrpcMetricsInterceptor grpcMetrics = new GrpcMetricsInterceptor(metrics);
        Server unstarted = NettyServerBuilder.forAddress(new InetSocketAddress(self.host(), self.apiPort()),
                        ServerTls.credentials(config.tls(), self.id()))
                // Above the limit, so that a request somewhat over it reaches RequestParsing's check and gets
                // its LimitReached detail; the transport's own refusal could carry none.
                .maxInboundMessageSize(RequestParsing.transportLimitBytes(config.limits().maxInboundGrpcBytes()))
                .permitKeepAliveTime(Defaults.KEEPALIVE_MIN_PERMITTED.toMillis(), TimeUnit.MILLISECONDS)
                // Chat handlers only validate and hand off (propose, read barrier), so they run on the
                // transport thread: one thread switch fewer per call, which is much of a call's cost on
                // two cores. Admin, health and reflection calls get the pool.
                .directExecutor()
                .callExecutor(new ServerCallExecutorSupplier() {
                    @Override
                    public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
                        return call.getMethodDescriptor().getServiceName().equals(ChatServiceGrpc.SERVICE_NAME) ? null : responseExecutor;
                    }
                })
                .addService(ServerInterceptors.intercept(
                        RequestParsing.guard(service.bindService(), config.limits().maxInboundGrpcBytes()),
                        new AuthInterceptor(unauthenticatedCalls), new ClientAddress(), grpcMetrics))
                .addService(ServerInterceptors.intercept(
                        RequestParsing.guard(new AdminGrpcService(node, config, new LocalAdminView(config, self, node, fsm, stateMachine,
                                introspection, this::leaderHint, this::knownLeader), peerAdmin, timer, responseExecutor,
                                () -> reads.barrier().thenApplyAsync(ready -> writeBackup(), responseExecutor),
                                () -> proposeEmptyEntry(proposer)).bindService(),
                                config.limits().maxInboundGrpcBytes()),
                        new AdminAuthInterceptor(adminToken), grpcMetrics))
                .addService(health.service())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(reflectionV1Alpha())
                .build();
        this.grpcServer = startup.open("the client API on " + self.apiAddress(), unstarted::start, Server::shutdownNow);
        timer.scheduleWithFixedDelay(health::refresh, HEALTH_REFRESH_MS, HEALTH_REFRESH_MS, TimeUnit.MILLISECONDS);
        metrics.registerNodeGauges(new StatusView());
        metrics.registerDiskUsage(Map.of(
                "state", self.dataDir().resolve("state"),
                "raft_log", raftDir.resolve("log"),
                "raft_meta", raftDir.resolve("meta"),
                "raft_snapshot", raftDir.resolve("snapshot")));
        metrics.registerStateMemory(stateMachine::memory);
        schedulePresenceTicks(leaderDuties, proposer, heardSessions);
        scheduleSessionExpiry(leaderDuties, proposer);
        scheduleQueueExpiry(leaderDuties, proposer);
        new StorageCheck(stateMachine, raftDir.resolve("log"), raftDir.resolve("snapshot"), onFatalError).startInBackground(self.id());
    }

    /**
     * The leader, and only the leader, proposes an expiry of queue deliveries when its state shows one
     * past its ack deadline at its time (the later of its clock and the last stored time, as apply
     * takes it); apply hands those messages on. Like session expiry, an idle cluster writes nothing.
     */
    private void scheduleQueueExpiry(LeaderDuties duties, Proposer proposer) {
        duties.add("queue delivery expiry", Defaults.QUEUE_EXPIRY_CHECK_INTERVAL.toMillis(), () -> {
            long nowMs = Math.max(System.currentTimeMillis(), stateMachine.lastTimestampMs());
            if (fsm.leaderTerm() >= 0 && anyQueueDeliveryDueAt(nowMs)) {
                proposer.propose(Command.newBuilder().setExpireQueueDeliveries(ExpireQueueDeliveries.getDefaultInstance()))
                        .whenComplete((result, error) -> {
                            if (error != null) {
                                LOG.debug("Queue delivery expiry not applied: {}", error.toString());
                            }
                        });
            }
        });
    }

    private boolean anyQueueDeliveryDueAt(long timeMs) {
        try {
            return stateMachine.anyQueueDeliveryDueAt(timeMs);
        } catch (RuntimeException e) {
            LOG.debug("Queue delivery expiry check skipped: {}", e.toString());
            return false;
        }
    }

    /**
     * The leader, and only the leader, proposes an expiry command when its state shows a session past
     * its idle or absolute lifetime at its time (the later of its clock and the last stored time, as
     * apply takes it): an idle cluster's log stays still. Apply ends the sessions, deterministically.
     */
    private void scheduleSessionExpiry(LeaderDuties duties, Proposer proposer) {
        duties.add("session expiry", config.sessions().expiryCheckInterval().toMillis(), () -> {
            long nowMs = Math.max(System.currentTimeMillis(), stateMachine.lastTimestampMs());
            if (fsm.leaderTerm() >= 0 && anySessionExpiredAt(nowMs)) {
                proposer.propose(Command.newBuilder().setExpireSessions(ExpireSessions.getDefaultInstance()))
                        .whenComplete((result, error) -> {
                            if (error != null) {
                                LOG.debug("Session expiry not applied: {}", error.toString());
                            }
                        });
            }
        });
    }

    private boolean anySessionExpiredAt(long timeMs) {
        try {
            return stateMachine.anySessionExpiredAt(timeMs);
        } catch (RuntimeException e) {
            LOG.debug("Session expiry check skipped: {}", e.toString());
            return false;
        }
    }

    /** A backup archive of the state as applied now, in a work directory of its own beside the state. */
    private StateBackup.Archive writeBackup() {
        Path work = self.dataDir().resolve(BACKUP_WORK_DIR).resolve("backup-" + System.nanoTime());
        try {
            Files.createDirectories(work.getParent());
            return StateBackup.write(stateMachine, work, config.groupId(), self.id());
        } catch (IOException | RuntimeException e) {
            StateBackup.deleteRecursively(work);
            throw new IllegalStateException("cannot write the backup: " + e.getMessage(), e);
        }
    }

    /**
     * The leader, and only the leader, proposes a presence tick every sixth of the presence timeout
     * (or of the session idle lifetime, if shorter), stamped with its clock: the online sessions whose
     * heartbeats it answered since its last tick (seen at the tick's time), and the sessions it found
     * silent (see {@link HeardSessions}: silent in the log and unheard by its monotonic clock). It
     * proposes nothing when both lists are empty: an idle cluster writes nothing. A failed tick is the
     * next tick's job (a new leader starts a fresh note as soon as it leads).
     */
    /** An empty presence tick: nobody seen, nobody silent, so apply changes nothing (older replicas agree). */
    private static void proposeEmptyEntry(Proposer proposer) {
        proposer.propose(Command.newBuilder().setPresenceTick(PresenceTick.getDefaultInstance())).whenComplete((result, error) -> {
            if (error != null) {
                LOG.debug("Empty entry not applied: {}", error.toString());
            }
        });
    }

    private void schedulePresenceTicks(LeaderDuties duties, Proposer proposer, HeardSessions heard) {
        long timeoutMs = config.limits().presenceTimeoutMs();
        // A heard heartbeat is activity only once a tick records it: tick well within the idle lifetime too.
        long periodMs = Math.max(100, Math.min(timeoutMs, config.sessions().idleTimeout().toMillis()) / 6);
        duties.add("presence tick", periodMs, () -> {
            if (!heard.leading(fsm.leaderTerm())) {
                return;
            }
            List<List<ByteString>> offline = heard.silent(onlineSilent(timeoutMs), TimeUnit.MILLISECONDS.toNanos(timeoutMs));
            List<List<ByteString>> seen = heard.drainSeen();
            for (int i = 0; i < Math.max(seen.size(), offline.size()); i++) {
                PresenceTick.Builder tick = PresenceTick.newBuilder();
                if (i < seen.size()) {
                    tick.addAllSeenTokenSha256(seen.get(i));
                }
                if (i < offline.size()) {
                    tick.addAllOfflineTokenSha256(offline.get(i));
                }
                proposer.propose(Command.newBuilder().setPresenceTick(tick)).whenComplete((result, error) -> {
                    if (error != null) {
                        LOG.debug("Presence tick not applied: {}", error.toString());
                    }
                });
            }
        });
    }

    /** None when the state cannot be read (closing, or stopped applying): a periodic task must not die of it. */
    private List<byte[]> onlineSilent(long timeoutMs) {
        try {
            return stateMachine.onlineSilentAt(System.currentTimeMillis(), timeoutMs);
        } catch (RuntimeException e) {
            LOG.debug("Presence tick skipped: {}", e.toString());
            return List.of();
        }
    }

    /** The older reflection API (v1alpha), which many gRPC tools still ask for first. */
    @SuppressWarnings("deprecation")
    private static io.grpc.BindableService reflectionV1Alpha() {
        return ProtoReflectionService.newInstance();
    }

    /** In the group and able to serve: a leader is known and this replica still applies. */
    private boolean canServe() {
        return fsm.fatalError() == null && node.getNodeState().isActive() && leaderHint().known();
    }

    /** This node's metrics (e.g. to add JVM metrics once per process). */
    public NodeMetrics metrics() {
        return metrics;
    }

    /**
     * Opens the node's state, joins the Raft group and starts serving clients. The admin API takes
     * the token in the config's {@code adminTokenFile}; without one it refuses every call.
     */
    public static RaftChatNode start(ClusterConfig config, String nodeId) throws IOException {
        Optional<AdminToken> token;
        try {
            token = config.adminTokenFile().isPresent() ? Optional.of(AdminToken.read(config.adminTokenFile().get())) : Optional.empty();
        } catch (InvalidClusterConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return start(config, nodeId, token);
    }

    /**
     * Like {@link #start(ClusterConfig, String)}, with the admin token given (from a flag or the
     * environment). A replica that enters the error state stays up in it, serving its status.
     */
    public static RaftChatNode start(ClusterConfig config, String nodeId, Optional<AdminToken> adminToken) throws IOException {
        return start(config, nodeId, adminToken, error -> { });
    }

    /**
     * Like {@link #start(ClusterConfig, String, Optional)}; {@code onFatalError} is told when the replica
     * enters the error state (a storage failure, corrupt data): a process that runs one node exits then.
     */
    public static RaftChatNode start(ClusterConfig config, String nodeId, Optional<AdminToken> adminToken,
            Consumer<FatalError> onFatalError) throws IOException {
        NodeSpec self = config.node(nodeId).orElseThrow(() -> new IllegalArgumentException(
                "node '" + nodeId + "' is not in the cluster file (nodes: "
                        + config.nodes().stream().map(NodeSpec::id).toList() + ")"));
        if (adminToken.isEmpty()) {
            LOG.warn("No admin token configured: the admin API refuses every call (set adminTokenFile in the cluster file)");
        }
        Startup startup = new Startup(self.id());
        RaftChatNode node;
        try {
            node = new RaftChatNode(config, self, adminToken, onFatalError, startup);
        } catch (IOException e) {
            throw startup.failed(e);
        } catch (RuntimeException e) {
            throw startup.failed(e);
        }
        LOG.info("Node {} started: raft {} api {} data {}", self.id(), self.raftAddress(), self.apiAddress(), self.dataDir());
        return node;
    }

    /**
     * Starts SOFAJRaft's node and then its port. A port that cannot be bound leaves the node started
     * but the group service not (its shutdown then does nothing): this stops both itself.
     */
    private Node startRaft(RpcServer raftPort) {
        try {
            return raftGroup.start();
        } catch (RuntimeException e) {
            Node halfStarted = raftGroup.getRaftNode();
            if (halfStarted != null) {
                halfStarted.shutdown();
                awaitQuietly(() -> {
                    halfStarted.join();
                    return true;
                });
            }
            raftPort.shutdown();
            throw e;
        }
    }

    /** Shuts the Raft node and its port down fully: its RocksDB locks are released when this returns. */
    private void stopRaft() {
        raftGroup.shutdown();
        awaitQuietly(() -> {
            raftGroup.join();
            return true;
        });
    }

    private NodeOptions nodeOptions(Path raftDir) {
        NodeOptions options = new NodeOptions();
        Configuration initial = new Configuration();
        // A node outside the initial members starts with an empty configuration: it never campaigns,
        // and waits until the leader adds it (then the leader's log tells it the configuration).
        if (config.isInitialMember(self.id()) && !initial.parse(config.initialRaftConfiguration())) {
            throw new IllegalArgumentException("cannot parse the Raft configuration " + config.initialRaftConfiguration());
        }
        options.setInitialConf(initial);
        options.setFsm(fsm);
        int electionTimeoutMs = Math.toIntExact(config.electionTimeout().toMillis());
        options.setElectionTimeoutMs(electionTimeoutMs);
        // Campaigns and a new leader's replicators connect to peers synchronously under the node's lock
        // (see RaftTransportFactory): a quarter of the timeout per unreachable peer, not 1 s.
        options.setRpcConnectTimeoutMs(connectTimeoutMs(electionTimeoutMs));
        options.setSnapshotIntervalSecs(Math.toIntExact(config.snapshotInterval().toSeconds()));
        options.setSnapshotLogIndexMargin(config.snapshotLogIndexMargin());
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
        raftOptions.setReadOnlyOptions(tuning.readMode() == ReadMode.LEASE ? ReadOnlyOption.ReadOnlyLeaseBased : ReadOnlyOption.ReadOnlySafe);
        // SOFAJRaft's election timer fires every timeout + [0, delay): its 1 s default delay doubled the
        // time to notice a crashed leader. Half the timeout still spreads the followers' campaigns.
        raftOptions.setMaxElectionDelayMs(Math.max(1, electionTimeoutMs / 2));
        // Three heartbeats per timeout (every 167 ms at 500 ms), not SOFAJRaft's ten: on an idle cluster they
        // are most of the CPU, and each costs about as much as an entry. A follower still campaigns only after
        // missing three in a row, and pre-vote keeps it from disturbing a leader the others still hear.
        raftOptions.setElectionHeartbeatFactor(HEARTBEATS_PER_ELECTION_TIMEOUT);
        options.setRaftOptions(raftOptions);
        // The previous entry's term, which every AppendEntries names, from memory rather than read back from RocksDB.
        options.setServiceFactory(LastEntryLogStorage.serviceFactory());
        return options;
    }

    /**
     * A connect (TCP handshake and SOFAJRaft's ping) within a quarter of the election timeout, from
     * 100 ms to 1 s: two unreachable peers of five still leave half a timeout for the vote round.
     */
    static int connectTimeoutMs(int electionTimeoutMs) {
        return Math.max(100, Math.min(1_000, electionTimeoutMs / 4));
    }

    public String id() {
        return self.id();
    }

    public boolean isLeader() {
        return fsm.leaderTerm() >= 0;
    }

    /** SOFAJRaft's node, for tests in this package that must put entries into the log past validation. */
    Node raftNode() {
        return node;
    }

    public long appliedIndex() {
        return stateMachine.appliedIndex();
    }

    /** A digest of the whole replicated state; equal on replicas that applied the same log prefix. */
    public byte[] stateDigest() {
        return stateMachine.stateDigest();
    }

    /** {@link #stateDigest()} without the applied index and last timestamp: unchanged by refused commands. */
    public byte[] contentDigest() {
        return stateMachine.contentDigest();
    }

    /** Asks SOFAJRaft for a snapshot now (normally it takes one every snapshot interval). */
    public void snapshotNow(com.alipay.sofa.jraft.Closure done) {
        node.snapshot(done);
    }

    /** The first index still in this node's Raft log; it moves up when the log is compacted after a snapshot. */
    public long firstLogIndex() {
        return introspection.logPositions().firstLogIndex();
    }

    /** The last log index covered by this node's newest snapshot (0: none yet). */
    public long snapshotIndex() {
        return introspection.logPositions().snapshotIndex();
    }

    /** How many snapshots this node has installed from the leader (or loaded over older local state). */
    public int snapshotsInstalled() {
        return fsm.snapshotsInstalled();
    }

    LeaderHint leaderHint() {
        LeaderHint hint = knownLeader();
        return introspection.isMember() ? hint : hint.asNotMember();
    }

    private LeaderHint knownLeader() {
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
        // First hand leadership over, so writes move on at once instead of after an election timeout;
        // then drain: no new calls, the ones in flight (reads, writes now answered not-leader) finish.
        awaitQuietly(() -> {
            new LeadershipHandOver(node, self, fsm::leaderTerm, this::knownLeader, config.electionTimeout())
                    .handOver(Defaults.SHUTDOWN_TRANSFER_TIMEOUT);
            return true;
        });
        health.stop();
        // First, so no scrape reads the state while it closes.
        metricsServer.close();
        subscriptions.close();
        grpcServer.shutdown();
        awaitQuietly(() -> grpcServer.awaitTermination(Defaults.SHUTDOWN_DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        grpcServer.shutdownNow();
        peerAdmin.close();
        stopRaft();
        raftRpcExecutor.shutdownNow();
        timer.shutdownNow();
        proposalSubmitter.shutdownNow();
        passwordWork.close();
        subscriptionExecutor.shutdownNow();
        responseExecutor.shutdown();
        awaitQuietly(() -> responseExecutor.awaitTermination(Defaults.SHUTDOWN_DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        stateMachine.close();
        LOG.info("Node {} stopped", self.id());
    }

    /** What the metrics read at scrape time; every call is a volatile read or a cheap SOFAJRaft getter. */
    private final class StatusView implements NodeStatusView {
        @Override
        public String role() {
            // "LEADER" rather than SOFAJRaft's "STATE_LEADER": the metric's name already says what it is.
            return fsm.fatalError() != null ? "ERROR" : node.getNodeState().name().replaceFirst("^STATE_", "");
        }

        @Override
        public boolean isLeader() {
            return RaftChatNode.this.isLeader();
        }

        @Override
        public long term() {
            return fsm.currentTerm();
        }

        @Override
        public long lastLogIndex() {
            return introspection.lastLogIndex();
        }

        @Override
        public long committedIndex() {
            return introspection.committedIndex();
        }

        @Override
        public long appliedIndex() {
            return stateMachine.appliedIndex();
        }

        @Override
        public long openSubscriptions() {
            return subscriptions.openSubscriptions();
        }
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

    private ThreadFactory threads(String prefix) {
        return NodeThreads.named(prefix, self.id());
    }
}
