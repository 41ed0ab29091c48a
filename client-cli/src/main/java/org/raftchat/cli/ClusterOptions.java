package org.raftchat.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.raftchat.config.ClusterConfigLoader;
import org.raftchat.config.InvalidClusterConfigException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the cluster is, shared by every subcommand: {@code --cluster}, {@code --cluster-file}, or {@code RAFTCHAT_CLUSTER}. */
public final class ClusterOptions {

    static final String ENV_CLUSTER = "RAFTCHAT_CLUSTER";
    static final String DEFAULT_CLUSTER = "127.0.0.1:9101,127.0.0.1:9102,127.0.0.1:9103";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--cluster", paramLabel = "HOST:PORT", split = ",",
            description = "The nodes' client API addresses. Default: $" + ENV_CLUSTER + ", else " + DEFAULT_CLUSTER + ".")
    List<String> cluster;

    @Option(names = "--cluster-file", paramLabel = "YAML",
            description = "Read the nodes' API addresses from a cluster file instead of --cluster.")
    Path clusterFile;

    @Option(names = {"-v", "--verbose"}, description = "Log retries and reconnects on stderr.")
    boolean verbose;

    /** The cluster file given with --cluster-file, if any (the admin commands read its adminTokenFile). */
    public java.util.Optional<Path> clusterFile() {
        return java.util.Optional.ofNullable(clusterFile);
    }

    /** The API addresses to use, from the first source given: --cluster, --cluster-file, the environment, the default. */
    public List<String> addresses(Map<String, String> env) {
        if (cluster != null && clusterFile != null) {
            throw usage("--cluster and --cluster-file are mutually exclusive");
        }
        if (cluster != null) {
            return validated(cluster, "--cluster");
        }
        if (clusterFile != null) {
            try {
                return ClusterConfigLoader.load(clusterFile).apiAddresses();
            } catch (InvalidClusterConfigException e) {
                throw usage(e.getMessage());
            }
        }
        String fromEnv = env.get(ENV_CLUSTER);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return validated(Arrays.asList(fromEnv.split(",")), "$" + ENV_CLUSTER);
        }
        return validated(Arrays.asList(DEFAULT_CLUSTER.split(",")), "the default cluster");
    }

    private List<String> validated(List<String> raw, String source) {
        List<String> addresses = new ArrayList<>();
        for (String address : raw) {
            if (address.isBlank()) {
                continue;
            }
            try {
                addresses.add(ChatClient.requireAddress(address));
            } catch (IllegalArgumentException e) {
                throw usage(source + ": " + e.getMessage());
            }
        }
        if (addresses.isEmpty()) {
            throw usage(source + ": no addresses given");
        }
        return addresses;
    }

    private ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }
}
