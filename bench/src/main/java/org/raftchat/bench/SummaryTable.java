package org.raftchat.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** The markdown table of a suite: one row per run, the figures a reader compares across runs. */
public final class SummaryTable {

    public static final String FILE_NAME = "summary.md";
    static final List<String> HEADER = List.of("run", "nodes", "load", "msgs/s", "commit p50", "p90", "p99", "p99.9", "max",
            "delivery p50", "delivery p99", "read p50", "read p99", "errors", "retries", "server cpu µs/msg");

    /** One run of a suite: its directory name and its result. */
    public record Row(String name, BenchResult result) {
        public Row {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(result, "result");
        }
    }

    private SummaryTable() {
    }

    /** The table, then a line saying when, on what and how (latencies in ms). */
    public static String markdown(List<Row> runs) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Row run : runs) {
            rows.add(cells(run));
        }
        List<String> lines = TextTables.align(rows, " | ");
        StringBuilder md = new StringBuilder();
        md.append("| ").append(lines.get(0)).append(" |\n");
        md.append(separator(rows)).append('\n');
        for (String line : lines.subList(1, lines.size())) {
            md.append("| ").append(line).append(" |\n");
        }
        md.append('\n').append(footnote(runs)).append('\n');
        return md.toString();
    }

    private static List<String> cells(Row run) {
        BenchResult r = run.result();
        LatencySummary commit = r.latency(BenchResult.COMMIT);
        LatencySummary delivery = r.latency(BenchResult.DELIVERY);
        LatencySummary read = r.latency(BenchResult.FOLLOWER_READ);
        return List.of(run.name(), Integer.toString(r.cluster().nodes()), r.parameters().loadDescription(),
                TextTables.rate(r.throughputMsgsPerSec()),
                ms(commit, commit.p50()), ms(commit, commit.p90()), ms(commit, commit.p99()), ms(commit, commit.p999()),
                ms(commit, commit.max()), ms(delivery, delivery.p50()), ms(delivery, delivery.p99()),
                ms(read, read.p50()), ms(read, read.p99()),
                Long.toString(r.counts().errors()), Long.toString(r.counts().retries()), cpuPerMsg(r));
    }

    /** Server CPU (all nodes) per acknowledged message, when the run could read the nodes' /proc. */
    private static String cpuPerMsg(BenchResult r) {
        return r.server() == null || r.server().cpuUsPerAck() < 0 ? ResultTable.NO_DATA
                : String.format(Locale.ROOT, "%.0f", r.server().cpuUsPerAck());
    }

    private static String ms(LatencySummary summary, double value) {
        return summary.count() == 0 ? ResultTable.NO_DATA : TextTables.ms(value);
    }

    private static String separator(List<List<String>> rows) {
        StringBuilder line = new StringBuilder("|");
        for (int c = 0; c < HEADER.size(); c++) {
            int width = 0;
            for (List<String> row : rows) {
                width = Math.max(width, row.get(c).length());
            }
            line.append(c == 0 ? ":" + "-".repeat(width + 1) : "-".repeat(width + 1) + ":").append('|');
        }
        return line.toString();
    }

    private static String footnote(List<Row> runs) {
        if (runs.isEmpty()) {
            return "No runs.";
        }
        BenchResult first = runs.get(0).result();
        BenchResult.Parameters p = first.parameters();
        return String.format(Locale.ROOT, "Latencies in ms (commit: post → acknowledged, from the intended start; delivery: "
                        + "post → received by a subscriber on a follower; read: linearizable read of the newest %d messages "
                        + "on a follower). %ss per run after %ss warm-up, %d-byte messages, %d rooms, %d subscribers. "
                        + "Measured %s on %s.",
                BenchConfig.READ_PAGE, trim(p.durationS()), trim(p.warmupS()), p.messageBytes(), p.rooms(), p.subscribers(),
                first.startedAt().substring(0, Math.min(10, first.startedAt().length())), first.machine().describe());
    }

    private static String trim(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }
}
