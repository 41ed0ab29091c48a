package org.raftchat.node.testing;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.Defaults;
import org.raftchat.config.Limits;
import org.raftchat.config.NodeSpec;
import org.raftchat.config.TlsConfig;
import org.raftchat.node.RaftChatNode;
import org.raftchat.proto.v1.AdminServiceGrpc;
import org.raftchat.proto.v1.ChatServiceGrpc;

/**
 * A real cluster of {@link RaftChatNode}s in this JVM, on free loopback ports, with RocksDB data
 * under a temporary directory. Nodes can be stopped and restarted on the same data.
 *
 * <p>It is also the integration tests' shared setup, as a JUnit extension: a cluster made by
 * {@link #perTest} and registered as an instance field starts before each test (all nodes up, a
 * leader elected) and is closed, its data deleted, after the test's own {@code @AfterEach} methods:
 * <pre>{@code
 * @RegisterExtension
 * final TestCluster cluster = TestCluster.perTest(3, c -> c.withLimits(...));
 * }</pre>
 */
public final class TestCluster implements ClusterUnderTest, BeforeEachCallback, AfterEachCallback {

    private final ClusterConfig config;
    private final String adminToken;
    /** The data directory {@link #perTest} made, deleted after the test; null when the test owns it. */
    private Path ownDataRoot;
    private final Map<String, RaftChatNode> running = new LinkedHashMap<>();
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private final TestSession session = new TestSession(this, "tester");

    private TestCluster(ClusterConfig config) {
        this.config = config;
        this.adminToken = AdminAccess.readToken(config.adminTokenFile().orElseThrow());
    }

    /** Starts {@code size} nodes and waits until one of them leads. */
    public static TestCluster start(int size, Path dataRoot) {
        return start(size, dataRoot, Duration.ofHours(1));
    }

    public static TestCluster start(int size, Path dataRoot, Duration snapshotInterval) {
        return start(size, dataRoot, snapshotInterval, UnaryOperator.identity());
    }

    public static TestCluster start(int size, Path dataRoot, Duration snapshotInterval, Limits limits) {
        return start(size, dataRoot, snapshotInterval, c -> c.withLimits(limits));
    }

    /** A cluster whose config {@code adjust} may change first (TLS, say); nodes are n1..n{size}. */
    public static TestCluster start(int size, Path dataRoot, Duration snapshotInterval, UnaryOperator<ClusterConfig> adjust) {
        TestCluster cluster = create(size, dataRoot,
                c -> adjust.apply(c.withSnapshots(snapshotInterval, c.snapshotLogIndexMargin())));
        cluster.config.nodes().forEach(n -> cluster.startNode(n.id()));
        cluster.awaitLeader();
        return cluster;
    }

    /** {@link #perTest(int, UnaryOperator)} with the test config as it is. */
    public static TestCluster perTest(int size) {
        return perTest(size, UnaryOperator.identity());
    }

    /** {@link #perTest(int, UnaryOperator)} with these limits. */
    public static TestCluster perTest(int size, Limits limits) {
        return perTest(size, c -> c.withLimits(limits));
    }

    /**
     * A cluster of {@code size} nodes, not started yet, for {@code @RegisterExtension} on an instance
     * field (JUnit makes one per test): it starts as {@link #start(int, Path, Duration, UnaryOperator)}
     * would before each test, with {@code adjust} applied to the config, and is closed after it.
     */
    public static TestCluster perTest(int size, UnaryOperator<ClusterConfig> adjust) {
        Path dataRoot;
        try {
            dataRoot = java.nio.file.Files.createTempDirectory("raftchat-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestCluster cluster = create(size, dataRoot, c -> adjust.apply(c.withSnapshots(Duration.ofHours(1), c.snapshotLogIndexMargin())));
        cluster.ownDataRoot = dataRoot;
        return cluster;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (ownDataRoot == null) {
            throw new IllegalStateException("only a cluster made by TestCluster.perTest starts itself before each test");
        }
        if (!java.nio.file.Files.isDirectory(ownDataRoot)) {
            // Its data went with the previous test: a static field would share one cluster between tests.
            throw new IllegalStateException("a TestCluster.perTest cluster serves one test: register it on an instance field");
        }
        config.nodes().forEach(n -> startNode(n.id()));
        awaitLeader();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
        deleteTree(ownDataRoot);
    }

    /**
     * A cluster of {@code size} nodes in the file (n1..nN), none started yet, with an admin token
     * file under {@code dataRoot}; {@code customize} adjusts the config (initial members, snapshots).
     */
    public static TestCluster create(int size, Path dataRoot, UnaryOperator<ClusterConfig> customize) {
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            nodes.add(new NodeSpec("n" + i, "127.0.0.1", freePort(), freePort(), freePort(), dataRoot.resolve("n" + i)));
        }
        // The production default: shorter timeouts made failover tests quicker but caused spurious
        // elections (and unconfirmed writes) when a shared 2-core machine was busy.
        ClusterConfig config = new ClusterConfig("test", nodes, Defaults.ELECTION_TIMEOUT, Duration.ofHours(1), Limits.defaults())
                .withAdminTokenFile(AdminAccess.writeTokenFile(dataRoot));
        return new TestCluster(customize.apply(config));
    }

    public String adminToken() {
        return adminToken;
    }

    @Override
    public AdminServiceGrpc.AdminServiceBlockingStub admin(String id) {
        return AdminAccess.stub(channel(id), adminToken);
    }

    /** Deletes a stopped node's data directory: the node starts again from nothing. */
    public void wipeNode(String id) {
        if (running.containsKey(id)) {
            throw new IllegalStateException("stop node " + id + " before wiping it");
        }
        deleteTree(config.node(id).orElseThrow().dataDir());
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            // Nothing to wipe.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ClusterConfig config() {
        return config;
    }

    @Override
    public void startNode(String id) {
        try {
            running.put(id, RaftChatNode.start(config, id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A clean, complete shutdown of one node (its RocksDB locks are released). */
    public void stopNode(String id) {
        RaftChatNode node = running.remove(id);
        if (node != null) {
            node.close();
        }
    }

    public RaftChatNode node(String id) {
        RaftChatNode node = running.get(id);
        if (node == null) {
            throw new IllegalArgumentException("node " + id + " is not running");
        }
        return node;
    }

    public List<RaftChatNode> runningNodes() {
        return List.copyOf(running.values());
    }

    public RaftChatNode awaitLeader() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> running.values().stream().filter(RaftChatNode::isLeader).findFirst().orElse(null),
                        leader -> leader != null);
    }

    public List<RaftChatNode> followers() {
        RaftChatNode leader = awaitLeader();
        return running.values().stream().filter(n -> n != leader).toList();
    }

    @Override
    public String awaitLeaderId() {
        return awaitLeader().id();
    }

    @Override
    public List<String> followerIds() {
        return followers().stream().map(RaftChatNode::id).toList();
    }

    /** In this JVM the hardest loss is a complete stop: {@link #stopNode}. */
    @Override
    public void loseNode(String id) {
        stopNode(id);
    }

    /** Waits until every running node has applied at least what the leader has. */
    @Override
    public void awaitConverged() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            long leaderApplied = awaitLeader().appliedIndex();
            return running.values().stream().allMatch(n -> n.appliedIndex() >= leaderApplied);
        });
    }

    public String apiAddress(String id) {
        return config.node(id).orElseThrow().apiAddress();
    }

    /** host:port of a node's Prometheus endpoint. */
    public String metricsAddress(String id) {
        return config.node(id).orElseThrow().metricsAddress();
    }

    /**
     * A stub that waits (up to its deadline) for the node to accept connections, so a call right
     * after a restart does not fail on a channel still backing off from the node's downtime.
     */
    @Override
    public ChatServiceGrpc.ChatServiceBlockingStub blockingStub(String id) {
        return failFastStub(id).withWaitForReady();
    }

    /** A stub that fails at once with UNAVAILABLE when the node is down, as a retrying client needs. */
    @Override
    public ChatServiceGrpc.ChatServiceBlockingStub failFastStub(String id) {
        return anonymousStub(id).withCallCredentials(session);
    }

    @Override
    public ChatServiceGrpc.ChatServiceBlockingStub anonymousStub(String id) {
        return ChatServiceGrpc.newBlockingStub(channel(id)).withInterceptors(new CallDeadline(Duration.ofSeconds(10)));
    }

    @Override
    public TestSession session() {
        return session;
    }

    @Override
    public ChatServiceGrpc.ChatServiceStub asyncStub(String id) {
        return ChatServiceGrpc.newStub(channel(id)).withCallCredentials(session);
    }

    /** The test's shared plaintext channel to a node's API port (for other services on it: health, reflection). */
    public synchronized ManagedChannel channel(String id) {
        return channels.computeIfAbsent(id, k -> Grpc.newChannelBuilder(apiAddress(k), credentials()).build());
    }

    /**
     * Plaintext, or with a tls section: trust the file's CA and, when the nodes require client
     * certificates, present n1's (every node's certificate is signed by that CA).
     */
    private ChannelCredentials credentials() {
        if (config.tls().isEmpty()) {
            return InsecureChannelCredentials.create();
        }
        TlsConfig tls = config.tls().get();
        try {
            TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
            Optional<Path> trusted = tls.caCert().or(tls::clientCa);
            if (trusted.isPresent()) {
                builder.trustManager(trusted.get().toFile());
            }
            if (tls.clientCa().isPresent()) {
                String someNode = config.nodes().get(0).id();
                builder.keyManager(tls.certChainOf(someNode).toFile(), tls.privateKeyOf(someNode).toFile());
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        new ArrayList<>(running.keySet()).forEach(this::stopNode);
    }

    /**
     * A port no other caller in this JVM got, below the kernel's ephemeral range (32768+), so an
     * outgoing connection cannot be holding it when a stopped node binds it again.
     */
    public static int freePort() {
        while (true) {
            int port = NEXT_PORT.getAndIncrement();
            if (port >= 32_000) {
                throw new IllegalStateException("ran out of test ports");
            }
            try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException inUse) {
                // Taken by some other program; try the next one.
            }
        }
    }

    /** Starts at a random point so test JVMs running side by side rarely collide. */
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
            new java.util.concurrent.atomic.AtomicInteger(20_000 + new java.util.Random().nextInt(10_000));
}
