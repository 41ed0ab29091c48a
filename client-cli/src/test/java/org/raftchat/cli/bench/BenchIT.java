package org.raftchat.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.cli.RaftChatCli;
import org.raftchat.node.testing.TestCluster;
import picocli.CommandLine;

/** `raftchat bench` against a real in-process 3-node cluster: it runs and leaves every output. Figures are not checked. */
class BenchIT {

    @TempDir
    Path dataRoot;
    @TempDir
    Path results;
    TestCluster cluster;
    String allNodes;
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void startCluster() {
        cluster = TestCluster.start(3, dataRoot);
        allNodes = String.join(",", cluster.config().apiAddresses());
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = RaftChatCli.newCommandLine(new RaftChatCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void bothLoadShapesRunAndLeaveTheTableTheJsonTheLogsAndThePlot() throws Exception {
        // Goal: an open and a closed run of ~2 s each succeed and write every output with every field; then summary tabulates both.
        Path open = results.resolve("1-open-50");
        Path closed = results.resolve("2-closed-4");

        int openCode = run("bench", "--cluster", allNodes, "--mode", "open", "--rate", "50", "--warmup", "500ms",
                "--duration", "2s", "--subscribers", "2", "--readers", "1", "--read-rate", "20", "--output", open.toString());
        assertThat(openCode).as(err.toString()).isZero();
        assertThat(out.toString()).contains("open loop, 50 msgs/s", "latency (ms)", "commit", "delivery", "follower read",
                "throughput", "errors", "retries");

        int closedCode = run("bench", "--cluster", allNodes, "--mode", "closed", "--in-flight", "4", "--warmup", "500ms",
                "--duration", "2s", "--rooms", "2", "--message-bytes", "100", "--readers", "0", "--output", closed.toString());
        assertThat(closedCode).as(err.toString()).isZero();
        assertThat(out.toString()).contains("closed loop, 4 in flight");

        for (Path dir : List.of(open, closed)) {
            assertOutputs(dir);
        }
        JsonNode openJson = new ObjectMapper().readTree(open.resolve("result.json").toFile());
        assertThat(openJson.path("parameters").path("mode").asText()).isEqualTo("open");
        assertThat(openJson.path("cluster").path("followers")).hasSize(2);

        assertThat(run("bench", "summary", results.toString())).isZero();
        assertThat(out.toString().lines().filter(l -> l.startsWith("| ")).toList()).hasSize(3);
        assertThat(results.resolve("summary.md")).exists();
    }

    private static void assertOutputs(Path dir) throws Exception {
        JsonNode json = new ObjectMapper().readTree(dir.resolve("result.json").toFile());
        for (String field : List.of("schema_version", "run_id", "started_at", "parameters", "cluster", "machine",
                "measured_seconds", "throughput_msgs_per_sec", "counts", "latency_ms")) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        for (String latency : List.of("commit", "delivery", "follower_read")) {
            for (String figure : List.of("count", "p50", "p90", "p99", "p99_9", "max")) {
                assertThat(json.path("latency_ms").path(latency).has(figure)).as(latency + "." + figure).isTrue();
            }
        }
        for (String count : List.of("writes", "acked", "errors", "retries", "deliveries", "reads")) {
            assertThat(json.path("counts").has(count)).as(count).isTrue();
        }
        assertThat(json.path("machine").has("cores")).isTrue();
        assertThat(json.path("machine").has("java_version")).isTrue();
        for (String log : List.of("commit.hlog", "delivery.hlog", "follower_read.hlog")) {
            assertThat(Files.readString(dir.resolve(log))).contains("#[Histogram log format version", "\"StartTimestamp\"");
        }
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("percentiles.svg").toFile());
    }
}
