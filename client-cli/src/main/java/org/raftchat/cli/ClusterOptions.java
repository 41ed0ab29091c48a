package org.raftchat.cli;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.raftchat.client.ClusterConnection;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.ClusterConfigLoader;
import org.raftchat.config.InvalidClusterConfigException;
import org.raftchat.config.TlsConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where the cluster is, shared by every subcommand: {@code --cluster} or {@code --cluster-file}, else
 * {@code RAFTCHAT_CLUSTER}, else {@code cluster} in the user's config file ({@link UserConfig}), else
 * the local dev cluster.
 */
public final class ClusterOptions {

    static final String ENV_CLUSTER = "RAFTCHAT_CLUSTER";
    static final String DEFAULT_CLUSTER = "127.0.0.1:9101,127.0.0.1:9102,127.0.0.1:9103";
    static final String ENV_TLS_CA = "RAFTCHAT_TLS_CA";
    static final String ENV_TLS_CERT = "RAFTCHAT_TLS_CERT";
    static final String ENV_TLS_KEY = "RAFTCHAT_TLS_KEY";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--cluster", paramLabel = "HOST:PORT", split = ",",
            description = "The nodes' client API addresses. Default: $" + ENV_CLUSTER + ", else 'cluster' in the config file, else "
                    + DEFAULT_CLUSTER + ".")
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
                    + ", else the cluster file's tls.caCert with --cluster-file, else 'tls.ca' in the config file.")
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

    /**
     * A setting's value and which source gave it, for {@code raftchat config}.
     *
     * @param value  the value; empty when no source gives one
     * @param source "--cluster", "$RAFTCHAT_CLUSTER", "config file", "default", ...
     */
    public record Sourced<T>(T value, String source) { }

    /** The API addresses to use, from the first source given: --cluster, --cluster-file, the environment, the config file, the default. */
    public List<String> addresses(Map<String, String> env) {
        return resolvedAddresses(env).value();
    }

    /** {@link #addresses} and where they came from. */
    public Sourced<List<String>> resolvedAddresses(Map<String, String> env) {
        if (cluster != null && clusterFile != null) {
            throw usage("--cluster and --cluster-file are mutually exclusive");
        }
        if (cluster != null) {
            return new Sourced<>(validated(cluster, "--cluster"), "--cluster");
        }
        if (clusterFile != null) {
            return new Sourced<>(clusterConfig().apiAddresses(), "--cluster-file " + clusterFile);
        }
        String fromEnv = env.get(ENV_CLUSTER);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new Sourced<>(validated(Arrays.asList(fromEnv.split(",")), "$" + ENV_CLUSTER), "$" + ENV_CLUSTER);
        }
        UserConfig config = userConfig(env);
        if (config.cluster().isPresent()) {
            String source = config.file() + ": " + UserConfig.CLUSTER;
            return new Sourced<>(validated(Arrays.asList(config.cluster().get().split(",")), source), "config file " + config.file());
        }
        return new Sourced<>(validated(Arrays.asList(DEFAULT_CLUSTER.split(",")), "the default cluster"), "default");
    }

    /** The CA certificate to trust, if any, and where it came from. */
    public Sourced<Optional<Path>> resolvedTlsCa(Map<String, String> env) {
        if (tlsCa != null) {
            return new Sourced<>(Optional.of(tlsCa), "--tls-ca");
        }
        Optional<Path> fromEnv = envPath(env, ENV_TLS_CA);
        if (fromEnv.isPresent()) {
            return new Sourced<>(fromEnv, "$" + ENV_TLS_CA);
        }
        Optional<Path> fromClusterFile = clusterFile == null ? Optional.empty() : clusterConfig().tls().flatMap(TlsConfig::caCert);
        if (fromClusterFile.isPresent()) {
            return new Sourced<>(fromClusterFile, "--cluster-file " + clusterFile);
        }
        UserConfig config = userConfig(env);
        return config.tlsCa().isPresent() ? new Sourced<>(config.tlsCa(), "config file " + config.file())
                : new Sourced<>(Optional.empty(), "none");
    }

    /** The user's config file; a broken one is a usage error. */
    UserConfig userConfig(Map<String, String> env) {
        try {
            return UserConfig.load(env);
        } catch (UserConfig.InvalidUserConfigException e) {
            throw usage(e.getMessage());
        }
    }

    /**
     * How to secure the channels: plaintext unless a CA is given (--tls-ca, $RAFTCHAT_TLS_CA, the
     * cluster file's tls.caCert, or the config file's tls.ca) or --tls; then TLS, with a client
     * certificate if one is given.
     */
    public ChannelCredentials credentials(Map<String, String> env) {
        Optional<Path> ca = resolvedTlsCa(env).value();
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
                addresses.add(ClusterConnection.requireAddress(address));
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
