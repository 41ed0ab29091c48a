package org.raftchat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.config.AdminToken;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Where {@code raftchat admin} takes the admin token from, and in which order. */
class AdminOptionsTest {

    @TempDir
    Path dir;
    Path clusterFile;

    @BeforeEach
    void writeFiles() throws Exception {
        Files.writeString(dir.resolve("file.token"), "token-from-the-cluster-file\n");
        Files.writeString(dir.resolve("flag.token"), "token-from-the-flag-0001\n");
        Files.writeString(dir.resolve("env.token"), "token-from-the-env-file-01\n");
        clusterFile = dir.resolve("cluster.yaml");
        Files.writeString(clusterFile, """
                adminTokenFile: file.token
                nodes:
                  - {id: n1, host: 127.0.0.1, raftPort: 7101, apiPort: 9101}
                """);
    }

    @Test
    void flagThenEnvironmentThenEnvironmentFileThenClusterFile() {
        Map<String, String> env = Map.of(AdminOptions.ENV_TOKEN, "token-from-the-environment",
                AdminOptions.ENV_TOKEN_FILE, dir.resolve("env.token").toString());

        assertThat(token(env, "--admin-token-file", dir.resolve("flag.token").toString()).value()).isEqualTo("token-from-the-flag-0001");
        assertThat(token(env).value()).isEqualTo("token-from-the-environment");
        assertThat(token(Map.of(AdminOptions.ENV_TOKEN_FILE, dir.resolve("env.token").toString())).value())
                .isEqualTo("token-from-the-env-file-01");
        assertThat(token(Map.of()).value()).isEqualTo("token-from-the-cluster-file");
    }

    @Test
    void noTokenOrABadOneIsAUsageError() {
        assertThatThrownBy(() -> token(Map.of(), "--cluster", "127.0.0.1:9101")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("no admin token");
        assertThatThrownBy(() -> token(Map.of(AdminOptions.ENV_TOKEN, "short"))).isInstanceOf(ParameterException.class)
                .hasMessageContaining("at least 16");
        assertThatThrownBy(() -> token(Map.of(), "--admin-token-file", dir.resolve("missing").toString()))
                .isInstanceOf(ParameterException.class).hasMessageContaining("cannot read");
    }

    /** Parses {@code admin status} with the cluster file (unless --cluster is given) and resolves its token. */
    private AdminToken token(Map<String, String> env, String... extra) {
        CliContext context = new CliContext(ClientFactory.defaults(), env, new ByteArrayInputStream(new byte[0]), ZoneOffset.UTC);
        CommandLine cli = RaftChatCli.newCommandLine(new RaftChatCli(context));
        String[] base = extra.length > 0 && extra[0].equals("--cluster")
                ? new String[] {"admin", "status"} : new String[] {"admin", "status", "--cluster-file", clusterFile.toString()};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra)).toArray(String[]::new);
        CommandLine.ParseResult parsed = cli.parseArgs(args);
        AdminStatusCommand status = (AdminStatusCommand) parsed.subcommand().subcommand().commandSpec().userObject();
        return status.adminOptions.token(env, status.cluster.clusterFile());
    }
}
