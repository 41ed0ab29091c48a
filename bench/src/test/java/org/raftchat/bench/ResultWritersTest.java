package org.raftchat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** result.json, the terminal table, percentiles.svg and the suite summary, from made-up results. */
class ResultWritersTest {

    @TempDir
    Path dir;

    @Test
    void resultJsonHasEveryFigureAndTheParametersAndMachine() throws Exception {
        // Goal: result.json carries latencies, throughput, counts, parameters and machine info under snake_case names.
        JsonNode json = new ObjectMapper().readTree(ResultJson.toJson(SampleResults.result(LoadShape.OPEN)));

        assertThat(json.path("schema_version").asInt()).isEqualTo(BenchResult.SCHEMA_VERSION);
        assertThat(json.path("throughput_msgs_per_sec").asDouble()).isEqualTo(499.5);
        for (String name : List.of("commit", "delivery", "follower_read")) {
            JsonNode latency = json.path("latency_ms").path(name);
            assertThat(latency.fieldNames()).toIterable()
                    .containsExactlyInAnyOrder("count", "p50", "p90", "p99", "p99_9", "max", "mean");
        }
        assertThat(json.path("latency_ms").path("commit").path("p50").asDouble()).isBetween(5.0, 6.0);
        assertThat(json.path("counts").fieldNames()).toIterable().contains("writes", "acked", "errors", "retries",
                "redirects", "deliveries", "reads", "read_errors", "subscription_errors", "send_lag_max_ms", "failures_by_kind");
        assertThat(json.path("parameters").fieldNames()).toIterable().contains("mode", "rate_per_sec", "in_flight",
                "duration_s", "warmup_s", "rooms", "message_bytes", "subscribers", "readers", "read_rate_per_sec", "addresses");
        assertThat(json.path("machine").path("cores").asInt()).isEqualTo(2);
        assertThat(json.path("machine").path("java_version").asText()).isEqualTo("17.0.15");
        assertThat(json.path("cluster").path("nodes").asInt()).isEqualTo(3);
    }

    @Test
    void resultJsonReadsBackToTheSameResult() {
        // Goal: the summary reads result.json back into the very record that was written.
        BenchResult result = SampleResults.result(LoadShape.CLOSED);
        Path file = dir.resolve("result.json");

        ResultJson.write(file, result);

        assertThat(ResultJson.read(file)).isEqualTo(result);
    }

    @Test
    void serverCpuPresenceAndSoakRowsAreWrittenReadBackAndShown() {
        // Goal: a mixed soak's server CPU per post, heartbeats, log entries and rows survive result.json and
        // appear in the run's table and the suite summary.
        BenchResult result = SampleResults.mixedSoak();
        Path file = dir.resolve("result.json");
        ResultJson.write(file, result);

        assertThat(ResultJson.read(file)).isEqualTo(result);
        assertThat(ResultTable.render(result)).contains("server CPU 233 µs per acked post (3 nodes, 11.7% of one core)",
                "online sessions 2000 (heartbeat every 10 s): heartbeats 4000, ok 3998, errors 2",
                "log entries in window 10100 (1.01 per acked post)");
        assertThat(SummaryTable.markdown(List.of(new SummaryTable.Row("mixed", result)))).containsPattern("server cpu µs/msg \\|\\n").containsPattern("\\| +233 \\|");
    }

    @Test
    void aResultWithoutServerFiguresSaysWhy() {
        // Goal: without --run-dir the table says CPU was not measured rather than printing a made-up 0.
        assertThat(ResultTable.render(SampleResults.result(LoadShape.OPEN))).contains("server CPU: not measured");
    }

    @Test
    void theTableShowsEachLatencyRowAndTheCounts() {
        // Goal: the terminal table has p50/p90/p99/p99.9/max per latency, throughput, errors and retries; no data shows as "-".
        String table = ResultTable.render(SampleResults.result(LoadShape.OPEN));

        assertThat(table).contains("open loop, 500 msgs/s", "3 nodes", "2 cores (Test CPU)", "Java 17.0.15");
        assertThat(table.lines()).anySatisfy(l -> assertThat(l).matches("latency \\(ms\\)\\s+count\\s+p50\\s+p90\\s+p99\\s+p99\\.9\\s+max"));
        assertThat(table.lines()).anySatisfy(l -> assertThat(l).matches("commit\\s+901\\s+5\\.\\d+\\s+9\\.\\d+\\s+9\\.\\d+\\s+(9|10)\\.\\d+\\s+10\\.\\d+"));
        assertThat(table.lines()).anySatisfy(l -> assertThat(l).matches("follower read\\s+0(\\s+-){5}"));
        assertThat(table).contains("throughput 500 msgs/s", "errors 10", "retries 7", "redirects 3", "client send lag max 1.250 ms",
                "failed attempts: UNAVAILABLE x7, e.g. UNAVAILABLE: the write was not confirmed");
    }

    @Test
    void thePlotIsWellFormedSvgWithOneLinePerNonEmptyHistogram() throws Exception {
        // Goal: percentiles.svg parses as XML, draws commit and delivery (reads are empty), labels the percentile axis.
        String svg = PercentilePlot.svg("3 nodes <open loop> & more", SampleResults.histograms());

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        NodeList lines = doc.getElementsByTagName("polyline");
        assertThat(lines.getLength()).isEqualTo(2);
        for (int i = 0; i < lines.getLength(); i++) {
            assertThat(lines.item(i).getAttributes().getNamedItem("points").getNodeValue().split(" ")).hasSizeGreaterThan(10);
        }
        assertThat(doc.getDocumentElement().getTextContent())
                .contains("3 nodes <open loop> & more", "commit (n=901)", "delivery", "90%", "99%", "99.9%", "latency (ms)")
                .doesNotContain("follower_read");
    }

    @Test
    void thePercentileAxisIsLogarithmicInOneOverOneMinusP() {
        // Goal: 90%, 99%, 99.9% are one decade apart; 100% sits at the right edge.
        assertThat(PercentilePlot.decadesOf(0, 4)).isZero();
        assertThat(PercentilePlot.decadesOf(90, 4)).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(PercentilePlot.decadesOf(99.9, 4)).isCloseTo(3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(PercentilePlot.decadesOf(100, 4)).isEqualTo(4);
        assertThat(PercentilePlot.percentileLabel(0)).isEqualTo("0%");
        assertThat(PercentilePlot.percentileLabel(1)).isEqualTo("90%");
        assertThat(PercentilePlot.percentileLabel(4)).isEqualTo("99.99%");
    }

    @Test
    void aPlotOfEmptyHistogramsIsStillValid() throws Exception {
        // Goal: a run that measured nothing still leaves a readable SVG.
        Histogram empty = new Histogram(LatencyMetric.HIGHEST_MICROS, LatencyMetric.SIGNIFICANT_DIGITS);
        String svg = PercentilePlot.svg("empty", Map.of("commit", empty));

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getElementsByTagName("polyline").getLength()).isZero();
        assertThat(doc.getDocumentElement().getTextContent()).contains("no data");
    }

    @Test
    void theSummaryIsAMarkdownTableWithOneRowPerRun() {
        // Goal: summary.md has a header, an alignment row and one row per run, all with the same number of columns.
        String md = SummaryTable.markdown(List.of(
                new SummaryTable.Row("1-open-500", SampleResults.result(LoadShape.OPEN)),
                new SummaryTable.Row("2-closed-16", SampleResults.result(LoadShape.CLOSED))));

        List<String> rows = md.lines().filter(l -> l.startsWith("|")).toList();
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).contains("run", "msgs/s", "commit p50", "p99.9", "delivery p99", "read p99", "errors", "retries");
        assertThat(rows.get(1)).matches("\\|[-:|]+");
        assertThat(rows.get(2)).contains("1-open-500", "open loop, 500 msgs/s", "500");
        assertThat(rows.get(3)).contains("2-closed-16", "closed loop, 16 in flight");
        assertThat(rows).allSatisfy(r -> assertThat(r.chars().filter(c -> c == '|').count()).isEqualTo(SummaryTable.HEADER.size() + 1));
        assertThat(md).contains("Measured 2025-01-02 on 2 cores (Test CPU)");
    }
}
