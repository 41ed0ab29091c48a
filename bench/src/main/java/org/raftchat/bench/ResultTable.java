package org.raftchat.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The terminal report of one run: what ran where, a latency table, throughput and counts. */
public final class ResultTable {

    /** Latency rows in display order, with their row labels. */
    static final Map<String, String> ROWS = Map.of(
            BenchResult.COMMIT, "commit", BenchResult.DELIVERY, "delivery", BenchResult.FOLLOWER_READ, "follower read");
    private static final List<String> ORDER = List.of(BenchResult.COMMIT, BenchResult.DELIVERY, BenchResult.FOLLOWER_READ);
    static final String NO_DATA = "-";

    private ResultTable() {
    }

    public static String render(BenchResult r) {
        BenchResult.Parameters p = r.parameters();
        Counts c = r.counts();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s, %ss measured after %ss warm-up; %d nodes, leader %s%n",
                p.loadDescription(), num(p.durationS()), num(p.warmupS()), r.cluster().nodes(), r.cluster().leader()));
        out.append(String.format(Locale.ROOT, "%d rooms, %d-byte messages, %d subscribers, %s; %s%n%n",
                p.rooms(), p.messageBytes(), p.subscribers(), readers(p), r.machine().describe()));

        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("latency (ms)", "count", "p50", "p90", "p99", "p99.9", "max"));
        for (String name : ORDER) {
            LatencySummary l = r.latency(name);
            rows.add(l.count() == 0
                    ? List.of(ROWS.get(name), "0", NO_DATA, NO_DATA, NO_DATA, NO_DATA, NO_DATA)
                    : List.of(ROWS.get(name), Long.toString(l.count()), TextTables.ms(l.p50()), TextTables.ms(l.p90()),
                            TextTables.ms(l.p99()), TextTables.ms(l.p999()), TextTables.ms(l.max())));
        }
        TextTables.align(rows, "  ").forEach(line -> out.append(line.stripTrailing()).append(System.lineSeparator()));

        out.append(System.lineSeparator());
        out.append(String.format(Locale.ROOT, "throughput %s msgs/s   acked %d of %d   errors %d   retries %d   redirects %d%n",
                TextTables.rate(r.throughputMsgsPerSec()), c.acked(), c.writes(), c.errors(), c.retries(), c.redirects()));
        out.append(String.format(Locale.ROOT, "deliveries %d   subscription errors %d   follower reads %d   read errors %d"
                        + "   client send lag max %s ms%n",
                c.deliveries(), c.subscriptionErrors(), c.reads(), c.readErrors(), TextTables.ms(c.sendLagMaxMs())));
        out.append(server(r.server()));
        out.append(presence(r.presence()));
        c.failuresByKind().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                out.append(String.format(Locale.ROOT, "failed attempts: %s x%d, e.g. %s%n",
                        e.getKey(), e.getValue(), c.failureExamples().getOrDefault(e.getKey(), "?"))));
        return out.toString();
    }

    /** Server CPU per acknowledged post: the figure of merit, summed over the nodes. */
    private static String server(BenchResult.ServerUsage s) {
        if (s == null) {
            return "server CPU: not measured (needs --run-dir with the nodes' pid files)" + System.lineSeparator();
        }
        return String.format(Locale.ROOT, "server CPU %s µs per acked post (%d nodes, %.1f%% of one core)   RSS %.0f MiB   disk %.1f MiB%n",
                s.cpuUsPerAck() < 0 ? NO_DATA : String.format(Locale.ROOT, "%.0f", s.cpuUsPerAck()), s.nodes(), s.cpuPercent(),
                s.rssMb(), s.diskMb());
    }

    private static String presence(BenchResult.Presence p) {
        if (p == null) {
            return "";
        }
        String entries = p.logEntries() < 0 ? "log entries in window: unknown (leader changed or unreadable)"
                : String.format(Locale.ROOT, "log entries in window %d (%.2f per acked post)", p.logEntries(), p.logEntriesPerAck());
        if (p.sessions() == 0) {
            return entries + System.lineSeparator();
        }
        return String.format(Locale.ROOT, "online sessions %d (heartbeat every %s s): heartbeats %d, ok %d, errors %d   %s%n",
                p.sessions(), num(p.intervalS()), p.heartbeats(), p.heartbeatsOk(), p.heartbeatErrors(), entries);
    }

    private static String readers(BenchResult.Parameters p) {
        return p.readers() == 0 ? "no readers" : p.readers() + " readers at " + p.readRatePerSec() + " reads/s";
    }

    private static String num(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }
}
