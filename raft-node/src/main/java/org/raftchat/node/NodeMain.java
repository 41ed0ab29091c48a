package org.raftchat.node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.raftchat.config.AdminToken;
import org.raftchat.config.BuildInfo;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.ClusterConfigLoader;
import org.raftchat.config.Defaults;
import org.raftchat.config.InvalidClusterConfigException;
import org.raftchat.config.NodeSpec;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code raftchat-node --cluster cluster.yaml --node n1}: runs one node until SIGTERM/SIGINT. */
@Command(name = "raftchat-node", mixinStandardHelpOptions = true, versionProvider = NodeMain.Version.class,
        description = "Runs one RaftChat node of the cluster described by a cluster file.")
public final class NodeMain implements Callable<Integer> {

    @Option(names = "--cluster", required = true, paramLabel = "FILE", description = "The cluster file (YAML).")
    Path clusterFile;

    @Option(names = "--node", required = true, paramLabel = "ID", description = "Which node of the cluster file this process is.")
    String nodeId;

    @Option(names = "--log-dir", paramLabel = "DIR", defaultValue = "${env:RAFTCHAT_LOG_DIR}",
            description = "Where the node writes ID.log (rolled daily and by size). Default: $RAFTCHAT_LOG_DIR, else DATA_DIR/logs.")
    Path logDir;

    @Option(names = "--log-console", negatable = true, defaultValue = "${env:RAFTCHAT_LOG_CONSOLE:-true}", fallbackValue = "true",
            description = "Also log to stdout (default: $RAFTCHAT_LOG_CONSOLE, else true; containers want it for `docker logs`).")
    boolean logConsole;

    @Option(names = "--log-format", paramLabel = "text|json",
            description = "text (default) or json: one JSON object per event and line, the node id as context name. "
                    + "Default: -Draftchat.log.format, else $RAFTCHAT_LOG_FORMAT, else text.")
    String logFormat;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Overrides the node's dataDir from the cluster file.")
    Path dataDir;

    @Option(names = "--api-port", paramLabel = "PORT",
            description = "Overrides the node's apiPort from the cluster file (other nodes still point clients at the file's port).")
    Integer apiPort;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "The admin API's token. Default: $" + ENV_ADMIN_TOKEN + ", else the cluster file's adminTokenFile.")
    Path adminTokenFile;

    @Option(names = "--restore", paramLabel = "BACKUP",
            description = "Prepare this node's data directory (absent or empty) from a backup made by 'raftchat admin backup', "
                    + "as a member of a new cluster (this file's initial members), then exit. Restore every initial member "
                    + "from the same backup, then start them as usual.")
    Path restoreFrom;

    static final String ENV_ADMIN_TOKEN = "RAFTCHAT_ADMIN_TOKEN";
    /**
     * Exit code (EX_TEMPFAIL) when storage failed (a full disk, a failed write or open): start the node
     * again once the disk is fixed; its log replay catches it up. The node image's supervisor restarts
     * on this code by itself, with back-off; so should systemd ({@code RestartForceExitStatus=75}).
     */
    static final int EXIT_STORAGE_FAILED = 75;
    /**
     * Exit code (EX_IOERR) when this node's data on disk is corrupt: starting it again will not help.
     * Replace the replica: remove it from the cluster, wipe its data directory, add it back.
     */
    static final int EXIT_DATA_CORRUPT = 74;
    /**
     * Exit code (EX_SOFTWARE) when apply threw on a committed entry: a bug, not damaged data. Not 74:
     * its repair (wipe and re-add the replica) would throw away good data and fail again, because the
     * new replica applies the same entry with the same code and apply is deterministic, so every replica
     * stops on it alike. Not 75: a supervisor restarting it would loop on the same entry. Stay down
     * until a build that fixes the bug runs; the data on disk is intact and replays from where it stopped.
     */
    static final int EXIT_APPLY_BUG = 70;
    /** Both the storage check and the Raft error state may report: exit once. */
    private final java.util.concurrent.atomic.AtomicBoolean exiting = new java.util.concurrent.atomic.AtomicBoolean();
    /** How long the exit may take (shutdown hooks) before the process halts anyway. */
    private static final long EXIT_GRACE_MS = 10_000;
    static final String LOG_FORMAT_PROPERTY = "raftchat.log.format";

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {BuildInfo.current().describe("raftchat-node")};
        }
    }

    public static void main(String[] args) {
        disableNettyLeakDetection();
        System.exit(new CommandLine(new NodeMain()).execute(args));
    }

    /**
     * Netty's leak detector samples buffer allocations in both copies of Netty in a node (gRPC's shaded
     * one and Bolt's); those buffers are gRPC's and Bolt's, which release them, and the sampling cost a
     * leader about 1.5% of its CPU (docs/performance.md, round 8). Set before any Netty class loads,
     * since Netty reads it once; a {@code -D} of either property on the command line wins.
     */
    static final List<String> NETTY_LEAK_DETECTION_PROPERTIES =
            List.of("io.grpc.netty.shaded.io.netty.leakDetection.level", "io.netty.leakDetection.level");

    static void disableNettyLeakDetection() {
        for (String property : NETTY_LEAK_DETECTION_PROPERTIES) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, "disabled");
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        ClusterConfig config;
        try {
            config = ClusterConfigLoader.load(clusterFile);
        } catch (InvalidClusterConfigException e) {
            System.err.println("raftchat-node: invalid cluster file: " + e.getMessage());
            return 2;
        }
        if (config.node(nodeId).isEmpty()) {
            System.err.println("raftchat-node: node '" + nodeId + "' is not in " + clusterFile);
            return 2;
        }
        Optional<AdminToken> token;
        try {
            config = withOverrides(config);
            token = adminToken(config);
        } catch (InvalidClusterConfigException | IllegalArgumentException e) {
            System.err.println("raftchat-node: " + e.getMessage());
            return 2;
        }
        if (restoreFrom != null) {
            return restore(config);
        }
        String format = logFormat != null ? logFormat
                : System.getProperty(LOG_FORMAT_PROPERTY, Optional.ofNullable(System.getenv("RAFTCHAT_LOG_FORMAT")).orElse("text"));
        if (!format.equals("text") && !format.equals("json")) {
            System.err.println("raftchat-node: --log-format: text or json, got '" + format + "'");
            return 2;
        }
        System.setProperty(LOG_FORMAT_PROPERTY, format);
        configureLogging(config.node(nodeId).orElseThrow());
        RaftChatNode node;
        try {
            node = RaftChatNode.start(config, nodeId, token, this::exitOnFatalError);
        } catch (IOException | RuntimeException e) {
            FatalError error = FatalError.fromException(e);
            LoggerFactory.getLogger(NodeMain.class).error("Node {} could not start: {}", nodeId, error.reason(), e);
            System.err.println("raftchat-node: " + nodeId + " could not start: " + whatNext(error));
            return exitCode(error);
        }
        node.metrics().registerJvmMetrics();
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "shutdown"));
        node.blockUntilShutdown();
        return 0;
    }

    /**
     * A replica in SOFAJRaft's error state never applies again in this process: exit, so a supervisor
     * can start it afresh (storage failures) or an operator replaces it (corrupt data), instead of a
     * member that neither votes nor serves. Runs on SOFAJRaft's thread, so the exit gets its own.
     */
    private void exitOnFatalError(FatalError error) {
        if (!exiting.compareAndSet(false, true)) {
            return;
        }
        int code = exitCode(error);
        LoggerFactory.getLogger(NodeMain.class).error("Node {} stopped for good in this process; exiting with code {}: {}",
                nodeId, code, whatNext(error));
        Thread exit = new Thread(() -> System.exit(code), "fatal-exit");
        Thread halt = new Thread(() -> {
            sleepQuietly(EXIT_GRACE_MS);
            Runtime.getRuntime().halt(code);
        }, "fatal-exit-watchdog");
        halt.setDaemon(true);
        halt.start();
        exit.start();
    }

    static int exitCode(FatalError error) {
        return switch (error.cause()) {
            case STORAGE_FAILED -> EXIT_STORAGE_FAILED;
            case DATA_CORRUPT -> EXIT_DATA_CORRUPT;
            case APPLY_BUG -> EXIT_APPLY_BUG;
        };
    }

    private String whatNext(FatalError error) {
        return switch (error.cause()) {
            case DATA_CORRUPT -> "its data on disk is corrupt (" + error.reason() + "). Restarting will not help: replace the replica "
                    + "(raftchat admin remove-node " + nodeId + ", wipe its data directory, start it, "
                    + "raftchat admin add-node " + nodeId + "); it then catches up from the others.";
            case STORAGE_FAILED -> "storage failed (" + error.reason() + "). Free or fix the disk and start it again; "
                    + "it catches up from the others by replaying the log.";
            case APPLY_BUG -> "applying a committed entry failed on a bug (" + error.reason() + "). Every replica fails on "
                    + "that entry alike: neither restarting nor replacing the replica helps, and its data is intact. "
                    + "Keep it down and start it with a build that fixes the bug; it then applies on from that entry.";
        };
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int restore(ClusterConfig config) {
        NodeSpec self = config.node(nodeId).orElseThrow();
        if (!config.isInitialMember(nodeId)) {
            System.err.println("raftchat-node: restore: " + nodeId + " is not an initial member of " + clusterFile
                    + "; restore the initial members and add this node to the running cluster instead");
            return 2;
        }
        try {
            String sha256 = StateBackup.sha256Of(restoreFrom);
            StateBackup.Manifest m = StateBackup.restore(restoreFrom, config, self);
            System.out.println("restored " + nodeId + " into " + self.dataDir() + " from " + restoreFrom + " (sha256 " + sha256
                    + "): applied index " + m.appliedIndex() + ", state digest " + m.stateDigest()
                    + " (backed up from node " + m.nodeId() + " of group " + m.groupId() + ")");
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("raftchat-node: restore: " + e.getMessage());
            return 2;
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("raftchat-node: restore failed: " + e);
            return 1;
        }
    }

    /**
     * Before the first logger exists (logback reads these properties once, see logback.xml): every
     * line carries the node id, whichever thread logs it, so one process is one node; SOFA Bolt's
     * own log files go under the node's data dir instead of ~/logs.
     */
    private void configureLogging(NodeSpec self) {
        Path nodeLogs = self.dataDir().resolve("logs");
        System.setProperty("raftchat.node", nodeId);
        System.setProperty("raftchat.log.dir", (logDir != null ? logDir : nodeLogs).toAbsolutePath().toString());
        System.setProperty("raftchat.log.console.level", logConsole ? "INFO" : "OFF");
        setIfAbsent("raftchat.log.maxFileSize", Defaults.LOG_FILE_MAX_SIZE);
        setIfAbsent("raftchat.log.maxHistoryDays", String.valueOf(Defaults.LOG_MAX_HISTORY_DAYS));
        setIfAbsent("raftchat.log.totalSizeCap", Defaults.LOG_TOTAL_SIZE_CAP);
        System.setProperty("logging.path", nodeLogs.toString());
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** Flags win over the cluster file, for this node only. */
    ClusterConfig withOverrides(ClusterConfig config) {
        NodeSpec n = config.node(nodeId).orElseThrow();
        if (apiPort != null && (apiPort < 1 || apiPort > 65_535)) {
            throw new IllegalArgumentException("--api-port: must be in 1..65535, got " + apiPort);
        }
        NodeSpec overridden = new NodeSpec(n.id(), n.host(), n.raftPort(), apiPort != null ? apiPort : n.apiPort(), n.metricsPort(),
                dataDir != null ? dataDir.toAbsolutePath().normalize() : n.dataDir());
        return config.withNode(overridden);
    }

    /** --admin-token-file, else $RAFTCHAT_ADMIN_TOKEN, else the cluster file's adminTokenFile, else none (admin API refused). */
    private Optional<AdminToken> adminToken(ClusterConfig config) throws InvalidClusterConfigException {
        if (adminTokenFile != null) {
            return Optional.of(AdminToken.read(adminTokenFile));
        }
        String fromEnv = System.getenv(ENV_ADMIN_TOKEN);
        if (fromEnv != null && !fromEnv.isBlank()) {
            try {
                return Optional.of(new AdminToken(fromEnv.strip()));
            } catch (IllegalArgumentException e) {
                throw new InvalidClusterConfigException("$" + ENV_ADMIN_TOKEN + ": " + e.getMessage(), e);
            }
        }
        if (config.adminTokenFile().isPresent()) {
            return Optional.of(AdminToken.read(config.adminTokenFile().get()));
        }
        return Optional.empty();
    }
}
