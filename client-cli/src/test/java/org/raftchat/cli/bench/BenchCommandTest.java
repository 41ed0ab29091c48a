package org.raftchat.cli.bench;

import org.raftchat.bench.BenchConfig;
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
    void badMixedAndSoakOptionsAreUsageErrors() {
        // Goal: the options of the whole-chat run and the soak are checked before anything connects.
        assertThat(run("bench", "--cluster", "127.0.0.1:1", "--online-sessions", "-1")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--online-sessions: must be in 0..100000, got -1");

        assertThat(run("bench", "--cluster", "127.0.0.1:1", "--soak-minutes", "5")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--soak-minutes: needs --soak");

        assertThat(run("bench", "--cluster", "127.0.0.1:1", "--soak", "--soak-minutes", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--soak-minutes: must be in 1..1440, got 0");

        assertThat(run("bench", "--cluster", "127.0.0.1:1", "--soak", "--duration", "5m")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--duration: a soak's length is --soak-minutes");

        assertThat(run("bench", "--cluster", "127.0.0.1:1", "--soak", "--soak-minutes", "1", "--soak-row", "2m"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--soak-row: must be >= 1s and <= the measured window (60s), got 120s");

        assertThat(run("bench", "--cluster", "127.0.0.1:1", "--run-dir", dir.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--run-dir: " + dir + " has no pids/ directory");
    }

    @Test
    void aSoakMeasuresForItsMinutesInRowsOfAMinute() {
        // Goal: --soak takes its window from --soak-minutes (30 by default) and cuts it into 1-minute rows.
        CommandLine cli = RaftChatCli.newCommandLine(new RaftChatCli());
        CommandLine.ParseResult parsed = cli.parseArgs("bench", "--cluster", "127.0.0.1:1", "--soak", "--online-sessions", "2000");
        BenchCommand bench = (BenchCommand) parsed.subcommand().commandSpec().userObject();

        BenchConfig config = bench.config(java.util.List.of("127.0.0.1:1"));

        assertThat(config.duration()).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(config.soakRow()).isEqualTo(java.time.Duration.ofMinutes(1));
        assertThat(config.onlineSessions()).isEqualTo(2000);
        assertThat(config.soak()).isTrue();
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
                "--rooms", "--message-bytes", "--subscribers", "--readers", "--read-rate", "--online-sessions", "--soak",
                "--soak-minutes", "--soak-row", "--run-dir", "--output", "summary");
    }
}
