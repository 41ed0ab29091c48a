package org.raftchat.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The terminal report of one run: what ran where, a latency table, throughput and counts. */
final class ResultTable {

    /** Latency rows in display order, with their row labels. */
    static final Map<String, String> ROWS = Map.of(
            BenchResult.COMMIT, "commit", BenchResult.DELIVERY, "delivery", BenchResult.FOLLOWER_READ, "follower read");
    private static final List<String> ORDER = List.of(BenchResult.COMMIT, BenchResult.DELIVERY, BenchResult.FOLLOWER_READ);
    static final String NO_DATA = "-";

    private ResultTable() {
    }

    static String render(BenchResult r) {
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
        c.failuresByKind().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                out.append(String.format(Locale.ROOT, "failed attempts: %s x%d, e.g. %s%n",
                        e.getKey(), e.getValue(), c.failureExamples().getOrDefault(e.getKey(), "?"))));
        return out.toString();
    }

    private static String readers(BenchResult.Parameters p) {
        return p.readers() == 0 ? "no readers" : p.readers() + " readers at " + p.readRatePerSec() + " reads/s";
    }

    private static String num(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }
}
