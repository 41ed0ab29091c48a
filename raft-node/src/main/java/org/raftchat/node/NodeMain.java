package org.raftchat.node;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.ClusterConfigLoader;
import org.raftchat.config.InvalidClusterConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code raftchat-node --cluster cluster.yaml --node n1}: runs one node until SIGTERM/SIGINT. */
@Command(name = "raftchat-node", mixinStandardHelpOptions = true,
        description = "Runs one RaftChat node of the cluster described by a cluster file.")
public final class NodeMain implements Callable<Integer> {

    @Option(names = "--cluster", required = true, paramLabel = "FILE", description = "The cluster file (YAML).")
    Path clusterFile;

    @Option(names = "--node", required = true, paramLabel = "ID", description = "Which node of the cluster file this process is.")
    String nodeId;

    public static void main(String[] args) {
        System.exit(new CommandLine(new NodeMain()).execute(args));
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
        // Before the first logger exists: every log line carries the node id, and SOFA Bolt's own
        // log files go under the node's data dir instead of ~/logs.
        System.setProperty("raftchat.node", nodeId);
        System.setProperty("logging.path", config.node(nodeId).orElseThrow().dataDir().resolve("logs").toString());
        RaftChatNode node = RaftChatNode.start(config, nodeId);
        node.metrics().registerJvmMetrics();
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "shutdown"));
        node.blockUntilShutdown();
        return 0;
    }
}
