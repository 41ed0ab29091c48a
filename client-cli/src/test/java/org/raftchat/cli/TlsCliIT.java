package org.raftchat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.config.NodeSpec;
import org.raftchat.node.testing.DevCa;
import org.raftchat.node.testing.TestCluster;
import picocli.CommandLine;

/** The raftchat command against a cluster that serves only TLS. */
class TlsCliIT {

    @TempDir
    Path dir;
    DevCa ca;
    TestCluster cluster;
    String allNodes;
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void startCluster() throws Exception {
        ca = DevCa.create(dir.resolve("ca"), 3, null);
        cluster = TestCluster.start(3, dir.resolve("data"), Duration.ofHours(1), c -> c.withTls(ca.tlsConfig(false)));
        allNodes = String.join(",", cluster.config().apiAddresses());
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void theCaFromTheFlagTheEnvironmentOrTheClusterFileLetsTheClientIn() throws Exception {
        // Goal: every way of naming the CA works, and without one the client cannot talk to the cluster.
        String caFile = ca.caCert().toString();

        assertThat(run(Map.of(), "register", "--user", "ann", "--cluster", allNodes, "--tls-ca", caFile))
                .as(err.toString()).isZero();
        assertThat(run(Map.of(), "login", "--user", "ann", "--cluster", allNodes, "--tls-ca", caFile))
                .as(err.toString()).isZero();
        assertThat(run(Map.of(), "create-room", "lobby", "--cluster", allNodes, "--tls-ca", caFile))
                .as(err.toString()).isZero();
        assertThat(run(Map.of("RAFTCHAT_TLS_CA", caFile), "send", "--room", "lobby", "--cluster", allNodes, "hi"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("#lobby seq=1");
        assertThat(run(Map.of(), "history", "--room", "lobby", "--cluster-file", clusterFile().toString()))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("ann: hi");

        assertThat(run(Map.of(), "status", "--cluster", allNodes)).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(run(Map.of(), "status", "--cluster", allNodes, "--tls-ca", dir.resolve("missing.crt").toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("cannot use the TLS files");
    }

    /** The cluster as a cluster file with its tls section, as an operator would write it. */
    private Path clusterFile() throws Exception {
        StringBuilder yaml = new StringBuilder("nodes:\n");
        for (NodeSpec n : cluster.config().nodes()) {
            yaml.append("  - {id: ").append(n.id()).append(", host: ").append(n.host()).append(", raftPort: ").append(n.raftPort())
                    .append(", apiPort: ").append(n.apiPort()).append(", metricsPort: ").append(n.metricsPort()).append("}\n");
        }
        yaml.append("tls:\n  certChain: ca/{id}.crt\n  privateKey: ca/{id}.key\n  caCert: ca/ca.crt\n");
        return Files.writeString(dir.resolve("cluster.yaml"), yaml);
    }

    /** Runs the CLI as one user: its session file and password come from the environment, as in CliIT. */
    private int run(Map<String, String> extraEnv, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put(SessionStore.ENV, dir.resolve("session").toString());
        env.put(UserConfig.ENV_CONFIG_DIR, dir.resolve("config").toString());
        env.put(PasswordInput.ENV, "correct horse battery");
        CliContext context = new CliContext(ClientFactory.defaults(), env, new ByteArrayInputStream(new byte[0]), ZoneOffset.UTC);
        CommandLine cli = RaftChatCli.newCommandLine(new RaftChatCli(context));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
