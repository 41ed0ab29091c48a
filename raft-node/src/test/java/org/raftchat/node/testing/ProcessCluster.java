package org.raftchat.node.testing;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.ClusterConfigLoader;
import org.raftchat.config.InvalidClusterConfigException;
import org.raftchat.config.NodeSpec;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.ClusterInfo;
import org.raftchat.proto.v1.GetClusterInfoRequest;

/**
 * A cluster of real node processes ({@code java -jar raft-node.jar}), each with its own log file,
 * started from a cluster file this class writes. Nodes can be killed with SIGKILL and restarted.
 */
public final class ProcessCluster implements ClusterUnderTest {

    /** The node's runnable jar built by this module's package phase ({@code -Draftchat.node.jar} points elsewhere). */
    public static final Path NODE_JAR = Path.of(System.getProperty("raftchat.node.jar", "target/raft-node.jar"));


    private final Path nodeJar;
    private final Path clusterFile;
    private final ClusterConfig config;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private final List<String> jvmOptions;
    private final TestSession session = new TestSession(this, "tester");

    private ProcessCluster(Path nodeJar, Path clusterFile, ClusterConfig config, List<String> jvmOptions) {
        this.nodeJar = nodeJar;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.clusterFile = clusterFile;
        this.config = config;
    }

    public static ProcessCluster start(Path nodeJar, int size, Path dir) throws IOException, InvalidClusterConfigException {
        return start(nodeJar, size, dir, List.of());
    }

    /** As {@link #start(Path, int, Path)}, with extra JVM options for every node (e.g. {@code -Dproperty=value}). */
    public static ProcessCluster start(Path nodeJar, int size, Path dir, List<String> jvmOptions)
            throws IOException, InvalidClusterConfigException {
        if (!Files.isRegularFile(nodeJar)) {
            throw new IllegalStateException(nodeJar + " is missing: run `mvn package` (or `mvn verify`) first");
        }
        AdminAccess.writeTokenFile(dir);
        StringBuilder yaml = new StringBuilder("group: test\nadminTokenFile: admin.token\nnodes:\n");
        for (int i = 1; i <= size; i++) {
            yaml.append("  - {id: n").append(i).append(", host: 127.0.0.1, raftPort: ").append(TestCluster.freePort())
                    .append(", apiPort: ").append(TestCluster.freePort())
                    .append(", metricsPort: ").append(TestCluster.freePort())
                    .append(", dataDir: data/n").append(i).append("}\n");
        }
        Path clusterFile = dir.resolve("cluster.yaml");
        Files.writeString(clusterFile, yaml);
        ProcessCluster cluster = new ProcessCluster(nodeJar, clusterFile, ClusterConfigLoader.load(clusterFile), jvmOptions);
        for (NodeSpec node : cluster.config.nodes()) {
            cluster.startNode(node.id());
        }
        return cluster;
    }

    @Override
    public ClusterConfig config() {
        return config;
    }

    /** Starts a node process; it logs to {@link #logFile} itself, and its stdout/stderr go to ID.out beside it. */
    @Override
    public void startNode(String id) {
        Path logs = logFile(id).getParent();
        try {
            Files.createDirectories(logs);
            List<String> command = new java.util.ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx256m");
            // The build's class-data archive beside the jar, as raftchat-dev passes it: each of the many
            // node starts of the process tests takes about a second less (ignored if it does not match).
            Path archive = nodeJar.resolveSibling("raft-node.jsa");
            if (Files.isRegularFile(archive)) {
                command.add("-XX:SharedArchiveFile=" + archive);
            }
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", nodeJar.toString(), "--cluster", clusterFile.toString(), "--node", id,
                    "--log-dir", logs.toString(), "--no-log-console"));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(id + ".out").toFile()))
                    .start();
            processes.put(id, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed; the crash the Raft log must survive. */
    public void kill9(String id) throws InterruptedException {
        Process process = processes.remove(id);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** As a process the hardest loss is SIGKILL: {@link #kill9}. */
    @Override
    public void loseNode(String id) {
        try {
            kill9(id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + id, e);
        }
    }

    /**
     * SIGTERM, the way an operator or an orchestrator stops a node: the node's shutdown hook runs
     * (leadership transfer, drain, clean close). Returns the process's exit code.
     */
    public int sigterm(String id) throws InterruptedException {
        Process process = processes.remove(id);
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("node " + id + " did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public org.raftchat.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub admin(String id) {
        return AdminAccess.stub(channel(id), AdminAccess.readToken(config.adminTokenFile().orElseThrow()));
    }

    /** The node's own log file (rolled by size and day into ID.DATE.N.log.gz beside it). */
    public Path logFile(String id) {
        return clusterFile.getParent().resolve("logs").resolve(id + ".log");
    }

    /** Waits until every running node names the same leader, and it says it leads. */
    public String awaitLeader() {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(this::currentLeader, Optional::isPresent).orElseThrow();
    }

    @Override
    public String awaitLeaderId() {
        return awaitLeader();
    }

    @Override
    public List<String> followerIds() {
        String leader = awaitLeader();
        return processes.keySet().stream().filter(id -> !id.equals(leader)).toList();
    }

    /**
     * A leader every running node names, which itself says it leads; empty while an election is
     * under way or nodes disagree (a node still leading a term the others have left, say).
     */
    private Optional<String> currentLeader() {
        List<ClusterInfo> infos = processes.keySet().stream().map(this::info).flatMap(Optional::stream).toList();
        if (infos.size() < processes.size()) {
            return Optional.empty();
        }
        Set<String> named = infos.stream().map(ClusterInfo::getLeaderId).collect(Collectors.toSet());
        if (named.size() != 1 || named.contains("")) {
            return Optional.empty();
        }
        String leader = named.iterator().next();
        boolean leads = infos.stream().anyMatch(i -> i.getNodeId().equals(leader) && i.getRole().equals("STATE_LEADER"));
        return leads ? Optional.of(leader) : Optional.empty();
    }

    public Optional<ClusterInfo> info(String id) {
        try {
            return Optional.of(failFastStub(id).withDeadlineAfter(2, TimeUnit.SECONDS).getClusterInfo(GetClusterInfoRequest.getDefaultInstance()));
        } catch (RuntimeException down) {
            return Optional.empty();
        }
    }

    /** Waits until every running node has applied as far as the leader. */
    @Override
    public void awaitConverged() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            long leaderApplied = info(awaitLeader()).map(ClusterInfo::getAppliedIndex).orElse(Long.MAX_VALUE);
            return processes.keySet().stream().allMatch(id -> info(id).map(ClusterInfo::getAppliedIndex).orElse(-1L) >= leaderApplied);
        });
    }

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
    public ChatServiceGrpc.ChatServiceBlockingStub blockingStub(String id) {
        return failFastStub(id).withWaitForReady();
    }

    @Override
    public ChatServiceGrpc.ChatServiceStub asyncStub(String id) {
        return ChatServiceGrpc.newStub(channel(id)).withCallCredentials(session);
    }

    private synchronized ManagedChannel channel(String id) {
        return channels.computeIfAbsent(id, k -> ManagedChannelBuilder
                .forTarget(config.node(k).orElseThrow().apiAddress()).usePlaintext().build());
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        processes.values().forEach(Process::destroyForcibly);
        processes.values().forEach(p -> {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        processes.clear();
    }
}
