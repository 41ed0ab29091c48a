package org.raftchat.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.cli.ExitCodes;
import org.raftchat.cli.RaftChatCli;
import picocli.CommandLine;

/** `raftchat bench` without a cluster: what it says when it cannot run. */
class BenchCommandTest {

    @TempDir
    Path dir;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = RaftChatCli.newCommandLine(new RaftChatCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void anUnreachableClusterExitsWithUnavailableAndSaysSo() throws Exception {
        // Goal: with nothing listening, bench exits 4 with one clear line and writes no results.
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        int code = run("bench", "--cluster", "127.0.0.1:" + port, "--duration", "1s", "--output", dir.resolve("run").toString());

        assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(err.toString()).startsWith("raftchat bench: no node reachable at 127.0.0.1:" + port)
                .contains("is the cluster running?");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        // Goal: values picocli cannot catch (ranges, shapes, durations) still exit 2 with the option named.
        assertThat(run("bench", "--cluster", "127.0.0.1:1", "--rate", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--rate: must be in 1..1000000, got 0");

        assertThat(run("bench", "--cluster", "127.0.0.1:1", "--mode", "sideways")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("'sideways' is not a load shape");

        assertThat(run("bench", "--cluster", "127.0.0.1:1", "--duration", "soon")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("'soon' is not a duration");
    }

    @Test
    void theClusterAddressesAreReadLikeEveryOtherCommand() {
        // Goal: bench takes --cluster through the shared mixin, with the same check of host:port.
        assertThat(run("bench", "--cluster", "localhost")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--cluster: 'localhost' is not host:port");
    }

    @Test
    void helpListsTheOptions() {
        // Goal: `raftchat bench --help` documents every option of the issue.
        assertThat(run("bench", "--help")).isZero();
        assertThat(out.toString()).contains("--cluster", "--mode", "--rate", "--in-flight", "--duration", "--warmup",
                "--rooms", "--message-bytes", "--subscribers", "--readers", "--read-rate", "--output", "summary");
    }
}
