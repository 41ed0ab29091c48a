package org.raftchat.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.bench.LoadShape;
import org.raftchat.bench.ResultJson;
import org.raftchat.bench.SampleResults;
import org.raftchat.cli.RaftChatCli;
import picocli.CommandLine;

/** {@code raftchat bench summary DIR}, over made-up results (from ResultWritersTest in the bench module). */
class BenchSummaryCommandTest {

    @TempDir
    Path dir;

    @Test
    void benchSummaryTabulatesTheRunsOfADirectory() throws Exception {
        // Goal: `raftchat bench summary DIR` prints the table of DIR/*/result.json and writes DIR/summary.md.
        for (String run : List.of("1-open-500", "2-closed-16")) {
            Files.createDirectories(dir.resolve(run));
            ResultJson.write(dir.resolve(run).resolve("result.json"),
                    SampleResults.result(run.contains("open") ? LoadShape.OPEN : LoadShape.CLOSED));
        }
        Files.createDirectories(dir.resolve("logs"));
        StringWriter out = new StringWriter();

        int code = cli(out, new StringWriter()).execute("bench", "summary", dir.toString());

        assertThat(code).isZero();
        assertThat(out.toString()).contains("| 1-open-500", "| 2-closed-16").doesNotContain("logs");
        assertThat(Files.readString(dir.resolve("summary.md"))).isEqualTo(out.toString());
    }

    @Test
    void benchSummaryOfADirectoryWithoutRunsFails() {
        // Goal: a wrong directory is reported, not summarized as an empty table.
        StringWriter err = new StringWriter();

        int code = cli(new StringWriter(), err).execute("bench", "summary", dir.resolve("nothing").toString());

        assertThat(code).isEqualTo(org.raftchat.cli.ExitCodes.NOT_FOUND);
        assertThat(err.toString()).contains("no */result.json under");
    }

    private static CommandLine cli(StringWriter out, StringWriter err) {
        CommandLine cli = RaftChatCli.newCommandLine(new RaftChatCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli;
    }
}
