package org.raftchat.cli;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.ClusterConfigLoader;
import org.raftchat.config.InvalidClusterConfigException;
import org.raftchat.config.TlsConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the cluster is, shared by every subcommand: {@code --cluster}, {@code --cluster-file}, or {@code RAFTCHAT_CLUSTER}. */
public final class ClusterOptions {

    static final String ENV_CLUSTER = "RAFTCHAT_CLUSTER";
    static final String DEFAULT_CLUSTER = "127.0.0.1:9101,127.0.0.1:9102,127.0.0.1:9103";
    static final String ENV_TLS_CA = "RAFTCHAT_TLS_CA";
    static final String ENV_TLS_CERT = "RAFTCHAT_TLS_CERT";
    static final String ENV_TLS_KEY = "RAFTCHAT_TLS_KEY";

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

    @Option(names = "--tls", description = "Connect with TLS, trusting the system's CAs (implied by --tls-ca).")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "PEM",
            description = "Connect with TLS, trusting this CA certificate. Default: $" + ENV_TLS_CA
                    + ", else the cluster file's tls.caCert with --cluster-file.")
    Path tlsCa;

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Client certificate chain for nodes that require one (mutual TLS). Default: $" + ENV_TLS_CERT + ".")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM",
            description = "Private key (PKCS#8) of --tls-cert. Default: $" + ENV_TLS_KEY + ".")
    Path tlsKey;

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
            return clusterConfig().apiAddresses();
        }
        String fromEnv = env.get(ENV_CLUSTER);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return validated(Arrays.asList(fromEnv.split(",")), "$" + ENV_CLUSTER);
        }
        return validated(Arrays.asList(DEFAULT_CLUSTER.split(",")), "the default cluster");
    }

    /**
     * How to secure the channels: plaintext unless a CA is given (--tls-ca, $RAFTCHAT_TLS_CA, or the
     * cluster file's tls.caCert) or --tls; then TLS, with a client certificate if one is given.
     */
    public ChannelCredentials credentials(Map<String, String> env) {
        Optional<Path> ca = Optional.ofNullable(tlsCa).or(() -> envPath(env, ENV_TLS_CA))
                .or(() -> clusterFile == null ? Optional.empty() : clusterConfig().tls().flatMap(TlsConfig::caCert));
        Optional<Path> cert = Optional.ofNullable(tlsCert).or(() -> envPath(env, ENV_TLS_CERT));
        Optional<Path> key = Optional.ofNullable(tlsKey).or(() -> envPath(env, ENV_TLS_KEY));
        if (cert.isPresent() != key.isPresent()) {
            throw usage("--tls-cert and --tls-key go together");
        }
        if (!tls && ca.isEmpty() && cert.isEmpty()) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
        try {
            if (ca.isPresent()) {
                builder.trustManager(ca.get().toFile());
            }
            if (cert.isPresent()) {
                builder.keyManager(cert.get().toFile(), key.get().toFile());
            }
        } catch (IOException | RuntimeException e) {
            throw usage("cannot use the TLS files (" + ca.map(Path::toString).orElse("system CAs")
                    + cert.map(c -> ", " + c).orElse("") + "): " + e.getMessage());
        }
        return builder.build();
    }

    private static Optional<Path> envPath(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
    }

    private ClusterConfig clusterConfig() {
        try {
            return ClusterConfigLoader.load(clusterFile);
        } catch (InvalidClusterConfigException e) {
            throw usage(e.getMessage());
        }
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
