package org.raftchat.chaos.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.raftchat.chaos.workload.NodeChannels;
import org.raftchat.config.ReadMode;
import org.raftchat.proto.v1.ClusterInfo;
import org.raftchat.proto.v1.GetClusterInfoRequest;
import org.raftchat.proto.v1.MembershipRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * A cluster of real node containers (the project's image, never pulled) on a bridge network this
 * class creates, each at a fixed address so the cluster file, the leader hints and the partition
 * rules all name the same IPs, which the test JVM on the host can reach directly.
 *
 * <p>Each container runs the node JVM under a supervisor, so killing the JVM keeps the container,
 * its data dir, its address and its firewall rules; {@link #restartNode} starts the JVM again.
 */
public final class DockerCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DockerCluster.class);
    /**
     * The chaos image (docker/node-chaos.Dockerfile): the production node image plus iptables, tc,
     * python3, libfaketime and the fsync shim, run as root. The production image has none of them.
     */
    public static final String DEFAULT_IMAGE = "raftchat/node-chaos:dev";
    private static final int RAFT_PORT = 7000;
    private static final int API_PORT = 9000;

    private final Network network;
    private final Map<String, GenericContainer<?>> containers;
    private final Map<String, String> ipById;
    private final NodeChannels channels;

    private DockerCluster(Network network, Map<String, GenericContainer<?>> containers, Map<String, String> ipById,
                          String adminToken) {
        this.network = network;
        this.containers = containers;
        this.ipById = ipById;
        this.channels = new NodeChannels(ipById.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue() + ":" + API_PORT)), adminToken);
    }

    /**
     * Starts {@code size} nodes from {@code image} and waits until they elect a leader. First removes
     * whatever an earlier run that died before {@link #close} left behind (its containers and network
     * would hold the addresses, and a new network on an overlapping subnet is refused). If anything
     * fails here, every container and the network created so far are removed before the error is thrown.
     */
    public static DockerCluster start(int size, String image, Random random) {
        return start(size, image, random, ReadMode.SAFE);
    }

    /** As {@link #start(int, String, Random)}, with the cluster file's {@code raft.readMode} set to {@code readMode}. */
    public static DockerCluster start(int size, String image, Random random, ReadMode readMode) {
        removeLeftovers();
        // A random /24 keeps concurrent runs from colliding. The first draw comes from the seeded random
        // (a replay draws the same); redraws after an overlap must not shift the seeded sequence.
        String prefix = "172.29." + (1 + random.nextInt(250)) + ".";
        Network network = createNetwork(prefix);
        Map<String, String> ipById = new LinkedHashMap<>();
        String subnetPrefix = subnetPrefix(network);
        for (int i = 1; i <= size; i++) {
            ipById.put("n" + i, subnetPrefix + (10 + i));
        }
        String clusterFile = clusterFile(ipById, readMode);
        // Not from the seeded random: the token must not change the replayed schedule.
        String adminToken = "chaos-" + java.util.UUID.randomUUID();
        Map<String, GenericContainer<?>> containers = new LinkedHashMap<>();
        ipById.forEach((id, ip) -> containers.put(id, container(image, network, id, ip, clusterFile, adminToken)));
        DockerCluster cluster = new DockerCluster(network, containers, ipById, adminToken);
        try {
            Startables.deepStart(containers.values()).join();
            LOG.info("Started {} nodes on {}0/24: {}", size, subnetPrefix, ipById);
            cluster.awaitLeader(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The label on every container and network a run creates, so a later run can find its leftovers. */
    static final String RUN_LABEL = "org.raftchat.chaos";
    private static final int NETWORK_ATTEMPTS = 5;

    private static Network createNetwork(String firstPrefix) {
        Random redraw = new Random();
        String prefix = firstPrefix;
        for (int attempt = 1; ; attempt++) {
            String subnet = prefix + "0/24";
            Network network = Network.builder()
                    .createNetworkCmdModifier(cmd -> cmd.withLabels(Map.of(RUN_LABEL, "network", OWNER_LABEL, currentOwner()))
                            .withIpam(new com.github.dockerjava.api.model.Network.Ipam()
                                    .withConfig(new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet(subnet))))
                    .build();
            try {
                network.getId(); // Testcontainers creates the network lazily, on first use
                return network;
            } catch (RuntimeException e) {
                // Another network (not one of ours: those were removed) holds this subnet: draw another.
                if (attempt >= NETWORK_ATTEMPTS || !String.valueOf(e.getMessage()).contains("overlaps")) {
                    throw e;
                }
                LOG.warn("Subnet {} is taken by another Docker network; trying another", subnet);
                prefix = "172.29." + (1 + redraw.nextInt(250)) + ".";
            }
        }
    }

    private static String subnetPrefix(Network network) {
        String subnet = docker().inspectNetworkCmd().withNetworkId(network.getId()).exec()
                .getIpam().getConfig().get(0).getSubnet();
        return subnet.substring(0, subnet.lastIndexOf('.') + 1);
    }

    /**
     * Removes the containers and networks of earlier runs that ended without closing their cluster.
     * Several runs may share the engine (one per worktree on a shared machine): a resource is a
     * leftover only when the JVM named in its {@link #OWNER_LABEL} is gone. Resources of older runs,
     * which carry no owner, count as leftovers once they are older than {@link #UNOWNED_LEFTOVER_AGE}.
     */
    static void removeLeftovers() {
        DockerClient docker = docker();
        long nowSeconds = System.currentTimeMillis() / 1000;
        var containers = docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(RUN_LABEL)).exec();
        for (var container : containers) {
            if (isLeftover(container.getLabels(), nowSeconds - container.getCreated())) {
                LOG.warn("Removing container {} left by an earlier chaos run", container.getId().substring(0, 12));
                docker.removeContainerCmd(container.getId()).withForce(true).withRemoveVolumes(true).exec();
            }
        }
        for (var network : docker.listNetworksCmd().withFilter("label", List.of(RUN_LABEL)).exec()) {
            var inspected = docker.inspectNetworkCmd().withNetworkId(network.getId()).exec();
            long ageSeconds = inspected.getCreated() == null ? Long.MAX_VALUE
                    : nowSeconds - inspected.getCreated().toInstant().getEpochSecond();
            if (isLeftover(network.getLabels(), ageSeconds)) {
                LOG.warn("Removing network {} ({}) left by an earlier chaos run", network.getName(), network.getId().substring(0, 12));
                try {
                    docker.removeNetworkCmd(network.getId()).exec();
                } catch (RuntimeException stillInUse) {
                    LOG.warn("Could not remove network {}: {}", network.getName(), stillInUse.toString());
                }
            }
        }
    }

    /** Who created a resource: {@code pid@startMillis} of the run's JVM (a pid alone may be reused). */
    static final String OWNER_LABEL = RUN_LABEL + ".owner";
    static final Duration UNOWNED_LEFTOVER_AGE = Duration.ofHours(2);

    static String currentOwner() {
        ProcessHandle self = ProcessHandle.current();
        return self.pid() + "@" + self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    }

    static boolean isLeftover(Map<String, String> labels, long ageSeconds) {
        String owner = labels == null ? null : labels.get(OWNER_LABEL);
        if (owner == null) {
            return ageSeconds >= UNOWNED_LEFTOVER_AGE.toSeconds();
        }
        int at = owner.indexOf('@');
        try {
            long pid = Long.parseLong(owner.substring(0, at));
            String started = owner.substring(at + 1);
            return ProcessHandle.of(pid)
                    .map(p -> !started.equals(String.valueOf(p.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L))))
                    .orElse(true);
        } catch (RuntimeException malformed) {
            return ageSeconds >= UNOWNED_LEFTOVER_AGE.toSeconds();
        }
    }

    static String clusterFile(Map<String, String> ipById, ReadMode readMode) {
        StringBuilder yaml = new StringBuilder("group: chaos\nsnapshotIntervalSecs: 30\n"
                + "raft:\n  readMode: " + readMode.name().toLowerCase(java.util.Locale.ROOT) + "\nnodes:\n");
        ipById.forEach((id, ip) -> yaml.append("  - {id: ").append(id).append(", host: ").append(ip)
                .append(", raftPort: ").append(RAFT_PORT).append(", apiPort: ").append(API_PORT)
                .append(", dataDir: /data/").append(id).append("}\n"));
        return yaml.toString();
    }

    private static GenericContainer<?> container(String image, Network network, String id, String ip, String clusterFile,
                                                 String adminToken) {
        return new GenericContainer<>(DockerImageName.parse(image))
                .withImagePullPolicy(name -> false)
                .withNetwork(network)
                .withNetworkAliases(id)
                .withLabel(RUN_LABEL, "node")
                .withLabel(OWNER_LABEL, currentOwner())
                .withEnv("NODE_ID", id)
                .withEnv("RAFTCHAT_ADMIN_TOKEN", adminToken)
                // The JVM's wall clock under libfaketime, at offset +0 until a clock nemesis moves it.
                .withEnv("RAFTCHAT_FAKETIME", "true")
                // fsync/fdatasync through the slow-disk shim, at full speed until the slow-disk nemesis slows it.
                .withEnv("RAFTCHAT_SLOW_DISK", "true")
                // Each sync recorded, so the power-loss nemesis can cut files back to what was durable.
                .withEnv("RAFTCHAT_POWER_LOSS", "true")
                .withCopyToContainer(Transferable.of(clusterFile), "/etc/raftchat/cluster.yaml")
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withIpv4Address(ip);
                    cmd.getHostConfig().withCapAdd(Capability.NET_ADMIN)
                            // A size-limited data volume, so the disk-full nemesis can fill it (in RAM: no host disk).
                            .withTmpFs(Map.of("/data", "rw,size=" + DATA_VOLUME_MB + "m"));
                })
                .waitingFor(Wait.forLogMessage(".*Node " + id + " started.*", 1).withStartupTimeout(Duration.ofSeconds(90)));
    }

    public List<String> nodeIds() {
        return List.copyOf(ipById.keySet());
    }

    public String ip(String id) {
        return ipById.get(id);
    }

    public NodeChannels channels() {
        return channels;
    }

    /**
     * The leader that more than half of all the nodes name, if any (nodes that do not answer count
     * against it): the leader a majority of the configuration follows.
     */
    public Optional<String> leader() {
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (String id : nodeIds()) {
            info(id).map(ClusterInfo::getLeaderId).filter(l -> !l.isEmpty()).ifPresent(l -> votes.merge(l, 1, Integer::sum));
        }
        return votes.entrySet().stream().filter(e -> e.getValue() > nodeIds().size() / 2).map(Map.Entry::getKey).findFirst();
    }

    public String awaitLeader(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> leader = leader();
            if (leader.isPresent()) {
                return leader.get();
            }
            sleep(200);
        }
        throw new IllegalStateException("no leader within " + timeout.toMillis() + " ms; the nodes say: " + describeNodes()
                + "; node logs follow the run");
    }

    /** What each node says of itself and its leader, for an error message an operator can read. */
    public String describeNodes() {
        return nodeIds().stream().map(id -> id + " " + info(id).map(DockerCluster::describe).orElseGet(() -> silentNode(id)))
                .collect(Collectors.joining("; "));
    }

    private static String describe(ClusterInfo info) {
        String leader = info.getLeaderId().isEmpty() ? "none" : info.getLeaderId();
        return info.getRole() + " term " + info.getTerm() + " leader " + leader + " applied " + info.getAppliedIndex();
    }

    private String silentNode(String id) {
        try {
            if (isPaused(id)) {
                return "paused";
            }
            return isNodeRunning(id) ? "no answer within 1 s" : "JVM not running";
        } catch (RuntimeException e) {
            return "no answer, and its container did not answer either: " + e.getMessage();
        }
    }

    public Optional<ClusterInfo> info(String id) {
        try {
            return Optional.of(channels.blocking(id, 1_000).getClusterInfo(GetClusterInfoRequest.getDefaultInstance()));
        } catch (RuntimeException unreachable) {
            return Optional.empty();
        }
    }

    /**
     * Nodes whose Raft node is in SOFAJRaft's error state: a replica that stopped applying (e.g. on a
     * disk error) and will not serve or catch up until it is repaired.
     */
    public List<String> stoppedReplicas() {
        return nodeIds().stream().filter(id -> info(id).map(i -> i.getRole().contains("ERROR")).orElse(false)).toList();
    }

    /**
     * Waits until every node (but stopped replicas, see {@link #stoppedReplicas}) reports the same
     * applied index: the cluster is quiet and converged.
     */
    public boolean awaitConverged(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> stopped = stoppedReplicas();
        while (System.nanoTime() < deadline) {
            List<Long> applied = nodeIds().stream().filter(id -> !stopped.contains(id))
                    .map(id -> info(id).map(ClusterInfo::getAppliedIndex).orElse(-1L)).toList();
            if (applied.stream().allMatch(a -> a >= 0 && a.equals(applied.get(0)))) {
                return true;
            }
            sleep(250);
        }
        return false;
    }

    /**
     * Removes a node from the Raft configuration through the leader; returns the members after. If the
     * leader keeps refusing for {@link #REFUSAL_PATIENCE} because the nodes left would have no majority
     * it hears from, throws {@link RemovalRefused}. Until then refusals are retried: the leader's view
     * of who answers lags by up to its lease.
     */
    public List<String> removeNode(String id) {
        return changeMembership(id, true, MEMBERSHIP_TIMEOUT, REFUSAL_PATIENCE);
    }

    public List<String> addNode(String id) {
        return changeMembership(id, false, MEMBERSHIP_TIMEOUT, MEMBERSHIP_TIMEOUT);
    }

    /** Elections may be under way: a few attempts on whoever leads then, within this in all. */
    private static final Duration MEMBERSHIP_TIMEOUT = Duration.ofSeconds(30);
    /**
     * A replaced replica must get back in, or the next lost replica costs the quorum: under load an
     * add can meet several elections (and the new member needs a whole snapshot) before it commits.
     */
    private static final Duration REPLACEMENT_TIMEOUT = Duration.ofSeconds(120);

    /** How long {@link #removeNode} takes the leader's refusal for a passing state (a few heartbeats and elections). */
    private static final Duration REFUSAL_PATIENCE = Duration.ofSeconds(3);

    private List<String> changeMembership(String id, boolean remove, Duration timeout, Duration refusalPatience) {
        MembershipRequest request = MembershipRequest.newBuilder().setNodeId(id).build();
        RuntimeException last = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        long refusedSince = 0;
        while (System.nanoTime() < deadline) {
            String leader;
            try {
                leader = awaitLeader(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (IllegalStateException noLeader) {
                if (last == null) {
                    throw noLeader;
                }
                throw new IllegalStateException(noLeader.getMessage() + "; the attempt before: " + last, last);
            }
            try {
                var admin = channels.admin(leader, 15_000);
                return (remove ? admin.removeNode(request) : admin.addNode(request)).getMembersList();
            } catch (RuntimeException e) {
                last = e;
                if (!RemovalRefused.isQuorumRefusal(e)) {
                    refusedSince = 0;
                } else if (refusedSince == 0) {
                    refusedSince = System.nanoTime();
                } else if (System.nanoTime() - refusedSince >= refusalPatience.toNanos()) {
                    throw new RemovalRefused(e.getMessage(), e);
                }
                sleep(500);
            }
        }
        throw new IllegalStateException("could not " + (remove ? "remove " : "add ") + id, last);
    }

    /** Nodes a fault has paused or whose JVM a fault has stopped: another fault leaves them alone. */
    private final java.util.Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The nodes no fault holds (paused, or JVM stopped), in id order. */
    public List<String> freeNodes() {
        return nodeIds().stream().filter(id -> !held.contains(id)).toList();
    }

    /** SIGKILL of the node's JVM inside its container. */
    public void killNode(String id) {
        exec(id, "raftchat-node-ctl", "kill", "KILL");
        held.add(id);
    }

    /**
     * After {@link #killNode}: cuts the node's files back to what its syncs made durable, as a power
     * failure would (raftchat-power-cut in the image). Returns what it cut.
     */
    public String cutPower(String id) {
        ExecResult result = execResult(id, "raftchat-power-cut");
        if (result.getExitCode() != 0) {
            throw new IllegalStateException("on " + id + ": raftchat-power-cut exited " + result.getExitCode() + ": "
                    + result.getStderr().strip());
        }
        return result.getStdout().strip();
    }

    /** SIGTERM to the node's JVM: it hands leadership over if it leads, then exits; waits until it has. */
    public void stopNodeGracefully(String id) {
        exec(id, "raftchat-node-ctl", "stop");
    }

    public void restartNode(String id) {
        exec(id, "raftchat-node-ctl", "start");
        held.remove(id);
        if (addWhenRestarted.remove(id)) {
            addNode(id);
        }
    }

    /** Nodes removed from the configuration while down, to add back once they run again. */
    private final java.util.Set<String> addWhenRestarted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Adds {@code id} back to the configuration when {@link #restartNode} next starts it. */
    public void addNodeWhenRestarted(String id) {
        addWhenRestarted.add(id);
    }

    /** Keeps other faults off {@code id} while a fault that does not stop its JVM (a full disk) breaks it. */
    public void hold(String id) {
        held.add(id);
    }

    public void release(String id) {
        held.remove(id);
    }

    /**
     * Waits until {@code id} is a working replica again: its JVM runs, a majority names a leader, it
     * follows or is that leader, and it has applied at least what the leader had applied when the wait
     * first saw one. A node that calls itself a follower while no leader is elected (every node just
     * restarted after a power loss, or the leader itself restarted) is not yet one. False if it is not
     * within {@code timeout}.
     */
    public boolean awaitHealthyReplica(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<Long> target = Optional.empty();
        while (System.nanoTime() < deadline) {
            if (target.isEmpty()) {
                target = leader().flatMap(this::info).map(ClusterInfo::getAppliedIndex);
            }
            Optional<ClusterInfo> info = target.isPresent() && isNodeRunning(id) ? info(id) : Optional.empty();
            if (info.isPresent() && (info.get().getRole().endsWith("FOLLOWER") || info.get().getRole().endsWith("LEADER"))
                    && info.get().getAppliedIndex() >= target.get()) {
                return true;
            }
            sleep(500);
        }
        return false;
    }

    /**
     * What an operator does with a replica whose data is corrupt (docs/operations.md): remove it from
     * the configuration, stop its JVM, wipe its data directory, start it empty and add it back; it then
     * catches up from the others by snapshot. Returns what it did.
     */
    public String replaceReplica(String id) {
        List<String> members = changeMembership(id, true, REPLACEMENT_TIMEOUT, REPLACEMENT_TIMEOUT);
        if (isNodeRunning(id)) {
            exec(id, "raftchat-node-ctl", "kill", "KILL");
        }
        // Its logs stay: they tell what it found.
        exec(id, "sh", "-c", "find /data/" + id + " -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +");
        exec(id, "raftchat-node-ctl", "start");
        held.remove(id);
        List<String> after = changeMembership(id, false, REPLACEMENT_TIMEOUT, REPLACEMENT_TIMEOUT);
        return "removed " + id + " (members " + members + "), wiped its data, started it empty, added it back (members " + after + ")";
    }

    /** Its JVM is down because it found its data corrupt (exit code 74): only a replacement brings it back. */
    public boolean stoppedOnCorruptData(String id) {
        ExecResult status = execResult(id, "raftchat-node-ctl", "status");
        return status.getExitCode() != 0 && status.getStdout().strip().endsWith("last exit code 74");
    }

    public boolean isNodeRunning(String id) {
        return execResult(id, "raftchat-node-ctl", "status").getExitCode() == 0;
    }

    /**
     * Waits until the node's JVM is seen not running. A status taken a moment after a kill has been
     * seen to say "running" (a 30-minute run's kill was healed 134 ms later, found running, never
     * restarted, and the node stayed down for 16 minutes), so one look is not enough. False if the
     * JVM runs throughout {@code timeout}.
     */
    public boolean awaitNodeDown(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isNodeRunning(id)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(100);
        }
        return true;
    }

    /** Freezes every process of the container (SIGSTOP through the cgroup freezer): a paused node. */
    public void pause(String id) {
        // The cgroup freezer sometimes reports "unable to freeze" while a task is mid-exec: try again.
        for (int attempt = 1; ; attempt++) {
            try {
                docker().pauseContainerCmd(containers.get(id).getContainerId()).exec();
                break;
            } catch (RuntimeException e) {
                if (attempt >= 5 || !String.valueOf(e.getMessage()).contains("unable to freeze")) {
                    throw e;
                }
                sleep(200);
            }
        }
        paused.add(id);
        held.add(id);
    }

    public void unpause(String id) {
        docker().unpauseContainerCmd(containers.get(id).getContainerId()).exec();
        paused.remove(id);
        held.remove(id);
        List<String[]> commands = deferred.remove(id);
        if (commands != null) {
            commands.forEach(command -> exec(id, command));
        }
    }

    /** Paused by {@link #pause}: docker exec is refused there until {@link #unpause}. */
    private final java.util.Set<String> paused = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Commands for paused nodes, run in order when they are unpaused. */
    private final Map<String, List<String[]>> deferred = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Runs a fault's command on {@code id} now, or, while another fault has the container paused,
     * as soon as it is unpaused: with overlapping faults, healing a partition must not fail (and
     * leave the paused node's rules behind) because another fault froze that node.
     */
    private void execWhenRunning(String id, String... command) {
        if (paused.contains(id)) {
            deferred.computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(command);
            return;
        }
        exec(id, command);
    }

    public boolean isPaused(String id) {
        return Boolean.TRUE.equals(docker().inspectContainerCmd(containers.get(id).getContainerId()).exec().getState().getPaused());
    }

    private static final java.util.concurrent.atomic.AtomicInteger CHAINS = new java.util.concurrent.atomic.AtomicInteger();

    /** A fresh iptables chain name for one fault's rules (overlapping faults each heal only their own). */
    public static String newRuleChain() {
        return "RCF" + CHAINS.incrementAndGet();
    }

    /**
     * Drops all traffic between {@code id} and each of {@code peers}, in both directions, on id's
     * side, with rules in {@code chain} (created and hooked into INPUT and OUTPUT if new).
     */
    public void block(String id, List<String> peers, String chain) {
        if (peers.isEmpty()) {
            return;
        }
        StringBuilder script = new StringBuilder(hook(chain));
        for (String peer : peers) {
            script.append(" && iptables -A ").append(chain).append(" -s ").append(ip(peer)).append(" -j DROP")
                    .append(" && iptables -A ").append(chain).append(" -d ").append(ip(peer)).append(" -j DROP");
        }
        execWhenRunning(id, "sh", "-c", script.toString());
    }

    /** Drops a share of the packets {@code id} receives from other nodes (iptables' statistic match), in {@code chain}. */
    public void loss(String id, double probability, String chain) {
        StringBuilder script = new StringBuilder(hook(chain));
        for (String peer : nodeIds()) {
            if (!peer.equals(id)) {
                script.append(" && iptables -A ").append(chain).append(" -s ").append(ip(peer))
                        .append(" -m statistic --mode random --probability ").append(probability).append(" -j DROP");
            }
        }
        execWhenRunning(id, "sh", "-c", script.toString());
    }

    private static String hook(String chain) {
        return "(iptables -N " + chain + " 2>/dev/null && iptables -I INPUT -j " + chain + " && iptables -I OUTPUT -j " + chain
                + " || true)";
    }

    /** The node's iptables rules (iptables -S), for tests. */
    String rules(String id) {
        return execResult(id, "iptables", "-S").getStdout();
    }

    /** Removes one fault's rules from every node. */
    public void removeRules(String chain) {
        for (String id : nodeIds()) {
            execWhenRunning(id, "sh", "-c", "iptables -D INPUT -j " + chain + " 2>/dev/null; iptables -D OUTPUT -j " + chain
                    + " 2>/dev/null; iptables -F " + chain + " 2>/dev/null; iptables -X " + chain + " 2>/dev/null; true");
        }
    }

    /** Stops the latency daemon on every node. */
    public void stopDelay() {
        for (String id : nodeIds()) {
            execWhenRunning(id, "sh", "-c", "raftchat-netdelay stop >/dev/null 2>&1 || true");
        }
    }

    /** Delays what {@code id} sends to the other nodes. This kernel has no netem; see docker/netdelay.py. */
    public void delay(String id, int delayMs, int jitterMs) {
        String peers = nodeIds().stream().filter(p -> !p.equals(id)).map(this::ip).collect(Collectors.joining(","));
        // A paused node (pause-leader overlapping) gets its delay when unpaused: docker exec is refused meanwhile.
        execWhenRunning(id, "raftchat-netdelay", "start", "--delay-ms", String.valueOf(delayMs), "--jitter-ms", String.valueOf(jitterMs),
                "--to", peers);
    }

    /** Removes every partition, loss and delay rule from every node. */
    public void healNetwork() {
        for (String id : nodeIds()) {
            execWhenRunning(id, "sh", "-c", "iptables -F INPUT && iptables -F OUTPUT"
                    + " && for c in $(iptables -S | awk '$1 == \"-N\" && $2 ~ /^RCF/ {print $2}'); do iptables -F $c; iptables -X $c; done"
                    + " && (raftchat-netdelay stop >/dev/null 2>&1 || true)");
        }
    }

    /** The size of each node's data volume (a tmpfs at /data). */
    static final int DATA_VOLUME_MB = 256;

    /** Fills the node's data volume to the last byte with a filler file; returns the bytes it took. */
    public long fillDisk(String id) {
        ExecResult r = execResult(id, "sh", "-c", "dd if=/dev/zero of=/data/.chaos-filler bs=1M 2>/dev/null; "
                + "dd if=/dev/zero of=/data/.chaos-filler-tail bs=4k 2>/dev/null; sync; du -sb /data/.chaos-filler | cut -f1");
        return Long.parseLong(r.getStdout().strip());
    }

    /**
     * Asks {@code id} to take a snapshot now (new files on its data volume) and says how it went:
     * with a full volume this is what meets ENOSPC at once, where Raft log appends still land in
     * the WAL space RocksDB preallocated.
     */
    public String triggerSnapshot(String id) {
        try {
            var result = channels.admin(id, 20_000).triggerSnapshot(org.raftchat.proto.v1.TriggerSnapshotRequest.newBuilder()
                    .setNodeId(id).build()).getResults(0);
            return result.getOk() ? "snapshot ok" : "snapshot refused: " + result.getError();
        } catch (RuntimeException e) {
            return "snapshot failed: " + e.getMessage();
        }
    }

    /** Removes the filler: space is free again. */
    public void freeDisk(String id) {
        execWhenRunning(id, "rm", "-f", "/data/.chaos-filler", "/data/.chaos-filler-tail");
    }

    /**
     * Flips one byte in a random file of the node's data dir whose path matches {@code pattern}
     * (a find -regex), with the node's JVM stopped; returns what was flipped, or throws if no such file.
     */
    public String flipByte(String id, String pattern, long seed) {
        // python3 is in the image (raftchat-netdelay); the seed picks the file and the offset, so a replay flips the same.
        String script = String.join("\n",
                "import os, re, sys",
                "seed, root, pattern = int(sys.argv[1]), sys.argv[2], re.compile(sys.argv[3])",
                "files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs",
                "               if pattern.fullmatch(os.path.join(d, f)) and os.path.getsize(os.path.join(d, f)) > 0)",
                "if not files: sys.exit(3)",
                "path = files[seed % len(files)]",
                "size = os.path.getsize(path)",
                "offset = (seed // 7) % size",
                "with open(path, 'r+b') as f:",
                "    f.seek(offset); old = f.read(1)[0]; f.seek(offset); f.write(bytes([old ^ 0xFF])); f.flush(); os.fsync(f.fileno())",
                "print('%s at byte %d of %d' % (path, offset, size))");
        ExecResult r = execResult(id, "python3", "-c", script, String.valueOf(Math.floorMod(seed, Long.MAX_VALUE)), "/data/" + id, pattern);
        if (r.getExitCode() == 3) {
            throw new IllegalStateException("no file matching " + pattern + " on " + id);
        }
        if (r.getExitCode() != 0) {
            throw new IllegalStateException("flipping a byte on " + id + " failed: " + r.getStderr());
        }
        return r.getStdout().strip();
    }

    private static final String FAKETIME_FILE = "/run/raftchat/faketime";

    /**
     * Sets the node JVM's wall-clock offset, e.g. {@code "+30s"} or {@code "-300s"} (libfaketime's
     * syntax; the JVM sees it within a second). The monotonic clock is not touched.
     */
    public void setClockOffset(String id, String offset) {
        exec(id, "sh", "-c", "test -e /run/raftchat/faketime-active || { echo 'libfaketime is not active in this image' >&2; exit 1; }"
                + " && echo '" + offset + "' > " + FAKETIME_FILE + ".tmp && mv " + FAKETIME_FILE + ".tmp " + FAKETIME_FILE);
    }

    /** Flips the node's wall clock between +0 and {@code offset} every {@code periodSeconds}, until {@link #resetClock}. */
    public void strobeClock(String id, String offset, int periodSeconds) {
        setClockOffset(id, "+0");
        exec(id, "sh", "-c", "setsid sh -c 'while :; do echo \"" + offset + "\" > " + FAKETIME_FILE + ".s && mv " + FAKETIME_FILE
                + ".s " + FAKETIME_FILE + "; sleep " + periodSeconds + "; echo +0 > " + FAKETIME_FILE + ".s && mv " + FAKETIME_FILE
                + ".s " + FAKETIME_FILE + "; sleep " + periodSeconds + "; done' >/dev/null 2>&1 </dev/null & echo $! > /run/raftchat/strobe.pid");
    }

    /** Stops any strobe and sets the offset back to +0. */
    public void resetClock(String id) {
        execWhenRunning(id, "sh", "-c", "(test -f /run/raftchat/strobe.pid && kill $(cat /run/raftchat/strobe.pid) 2>/dev/null; rm -f /run/raftchat/strobe.pid; true)"
                + " && echo +0 > " + FAKETIME_FILE + ".tmp && mv " + FAKETIME_FILE + ".tmp " + FAKETIME_FILE);
    }

    private static final String SLOW_FSYNC_FILE = "/run/raftchat/slow-fsync-ms";

    /** Every fsync/fdatasync of the node's JVM waits {@code delayMs} first (the shim re-reads it within 200 ms). */
    public void slowFsync(String id, long delayMs) {
        exec(id, "sh", "-c", "test -e /run/raftchat/slow-disk-active || { echo 'the slow-disk shim is not active in this image' >&2; exit 1; }"
                + " && echo " + delayMs + " > " + SLOW_FSYNC_FILE + ".tmp && mv " + SLOW_FSYNC_FILE + ".tmp " + SLOW_FSYNC_FILE);
    }

    public void restoreFsync(String id) {
        execWhenRunning(id, "rm", "-f", SLOW_FSYNC_FILE);
    }

    /** Writes each node's container log to {@code dir/<id>.log}. */
    public void saveLogs(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, GenericContainer<?>> e : containers.entrySet()) {
            Files.writeString(dir.resolve(e.getKey() + ".log"), e.getValue().getLogs());
        }
    }

    private void exec(String id, String... command) {
        ExecResult result = execResult(id, command);
        if (result.getExitCode() != 0) {
            throw new IllegalStateException("on " + id + ": `" + String.join(" ", command) + "` exited " + result.getExitCode()
                    + ": " + result.getStderr().strip() + " " + result.getStdout().strip());
        }
    }

    /** Package-private for the cluster's own tests, which look inside the containers. */
    ExecResult execResult(String id, String... command) {
        try {
            return containers.get(id).execInContainer(command);
        } catch (IOException e) {
            throw new IllegalStateException("docker exec on " + id + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    private static void sleep(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        channels.close();
        List<RuntimeException> failures = new ArrayList<>();
        for (String id : nodeIds()) {
            try {
                GenericContainer<?> container = containers.get(id);
                if (container.getContainerId() != null && isPaused(id)) {
                    unpause(id);
                }
                container.stop();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        try {
            network.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        failures.forEach(f -> LOG.warn("While removing the cluster (the next run removes what is left): {}", f.toString()));
    }
}
