package org.raftchat.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.raftchat.config.AdminToken;
import org.raftchat.config.ClusterConfigLoader;
import org.raftchat.config.InvalidClusterConfigException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where the admin token comes from, in this order: {@code --admin-token-file}, {@code $RAFTCHAT_ADMIN_TOKEN},
 * {@code $RAFTCHAT_ADMIN_TOKEN_FILE}, the {@code adminTokenFile} of the {@code --cluster-file}.
 */
public final class AdminOptions {

    static final String ENV_TOKEN = "RAFTCHAT_ADMIN_TOKEN";
    static final String ENV_TOKEN_FILE = "RAFTCHAT_ADMIN_TOKEN_FILE";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "File holding the cluster's admin token. Default: $" + ENV_TOKEN + ", $" + ENV_TOKEN_FILE
                    + ", else the adminTokenFile of --cluster-file.")
    Path tokenFile;

    AdminToken token(Map<String, String> env, Optional<Path> clusterFile) {
        try {
            if (tokenFile != null) {
                return AdminToken.read(tokenFile);
            }
            String value = env.get(ENV_TOKEN);
            if (value != null && !value.isBlank()) {
                return fromEnv(value);
            }
            String file = env.get(ENV_TOKEN_FILE);
            if (file != null && !file.isBlank()) {
                return AdminToken.read(Path.of(file));
            }
            if (clusterFile.isPresent()) {
                Optional<Path> configured = ClusterConfigLoader.load(clusterFile.get()).adminTokenFile();
                if (configured.isPresent()) {
                    return AdminToken.read(configured.get());
                }
            }
        } catch (InvalidClusterConfigException e) {
            throw usage(e.getMessage());
        }
        throw usage("no admin token: give --admin-token-file FILE, set $" + ENV_TOKEN + " or $" + ENV_TOKEN_FILE
                + ", or use --cluster-file with an adminTokenFile");
    }

    private AdminToken fromEnv(String value) {
        try {
            return new AdminToken(value.strip());
        } catch (IllegalArgumentException e) {
            throw usage("$" + ENV_TOKEN + ": " + e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }
}
