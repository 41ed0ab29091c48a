package org.raftchat.chaos.report;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.raftchat.chaos.checker.Anomaly;
import org.raftchat.chaos.checker.AnomalyKind;
import org.raftchat.chaos.checker.FaultStats;
import org.raftchat.chaos.checker.Recovery;
import org.raftchat.chaos.checker.Verdict;
import org.raftchat.chaos.history.FaultWindow;
import org.raftchat.chaos.history.HistoryData;
import org.raftchat.chaos.history.Op;

/**
 * Renders the report as one self-contained HTML page: inline CSS and SVG, no scripts, fonts or
 * other external resources, so it opens anywhere it is copied to.
 */
final class HtmlReport {

    /** How many anomalies the page shows in full; all are counted and all are in verdict.json. */
    static final int MAX_ANOMALIES_SHOWN = 200;

    private static final long BUCKET_NANOS = 1_000_000_000L;

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1000px;color:#222}
            h1.verdict{font-size:64px;margin:0 0 4px 0;letter-spacing:2px}
            h1.valid{color:#1b7f3b} h1.invalid{color:#c0262d}
            h2{margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
            table{border-collapse:collapse;margin:8px 0} td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-size:13px}
            th{background:#f4f4f4} td.num{text-align:right;font-variant-numeric:tabular-nums}
            tr.bad td{background:#fde8e8} .muted{color:#777;font-size:13px}
            .anomaly{border-left:4px solid #c0262d;padding:4px 10px;margin:12px 0;background:#fafafa}
            .kind{font-weight:bold;color:#c0262d;font-family:monospace}
            svg{display:block;margin:8px 0;background:#fff}
            svg .title{font-size:14px;font-weight:bold} svg .legend,svg .tick{font-size:11px;fill:#444}
            svg .fault-label{font-size:11px;font-weight:bold} svg .grid{stroke:#eee} svg .axis{stroke:#888}
            svg .frame{fill:none;stroke:#bbb}
            code{font-size:12px}
            """;

    private HtmlReport() {
    }

    static String render(HistoryData data, Verdict verdict, List<FaultStats> availability, RunParams params) {
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>RaftChat chaos run: ").append(verdict.valid() ? "VALID" : "INVALID")
                .append("</title>\n<style>").append(CSS).append("</style></head><body>\n");
        header(html, verdict, params);
        parameters(html, params);
        counts(html, verdict.counts());
        timeline(html, data);
        availability(html, availability, data.faults());
        recovery(html, Recovery.perNemesis(data));
        anomalies(html, verdict.anomalies());
        return html.append("</body></html>\n").toString();
    }

    private static void header(StringBuilder html, Verdict verdict, RunParams params) {
        String word = verdict.valid() ? "VALID" : "INVALID";
        html.append("<h1 class=\"verdict ").append(word.toLowerCase(Locale.ROOT)).append("\">").append(word)
                .append("</h1>\n<div class=\"muted\">RaftChat chaos run, seed ").append(params.seed()).append(", ")
                .append(verdict.anomalies().size()).append(" anomalies</div>\n");
    }

    private static void parameters(StringBuilder html, RunParams params) {
        html.append("<h2>Run parameters</h2>\n<table>");
        row(html, "seed", String.valueOf(params.seed()));
        row(html, "nodes", String.join(", ", params.nodes()));
        row(html, "duration", Html.num(params.duration().toMillis() / 1000.0, 1) + " s");
        row(html, "nemeses", String.join(", ", params.nemeses()));
        html.append("<tr><th>schedule</th><td>");
        params.schedule().forEach(line -> html.append("<code>").append(Html.escape(line)).append("</code><br>"));
        html.append("</td></tr></table>\n");
    }

    private static void counts(StringBuilder html, Map<String, Integer> counts) {
        html.append("<h2>Counts</h2>\n<table><tr><th>what</th><th>count</th></tr>");
        Set<String> anomalyCounts = Arrays.stream(AnomalyKind.values()).map(AnomalyKind::countKey)
                .collect(Collectors.toSet());
        counts.forEach((name, n) -> html.append(anomalyCounts.contains(name) && n > 0 ? "<tr class=\"bad\">" : "<tr>")
                .append("<td>").append(Html.escape(name)).append("</td><td class=\"num\">").append(n).append("</td></tr>"));
        html.append("</table>\n");
    }

    private static void timeline(StringBuilder html, HistoryData data) {
        TimeSeries ts = TimeSeries.of(data, BUCKET_NANOS);
        double bucketSeconds = BUCKET_NANOS / 1e9;
        double throughputMax = Math.max(TimeSeries.max(ts.okPosts), TimeSeries.max(ts.failedPosts));
        String throughput = new SvgChart("POST throughput (completions per second)", ts.seconds(), bucketSeconds,
                YScale.linear(throughputMax))
                .series("ok", "#1b7f3b", ts.okPosts, false)
                .series("fail + info", "#c0262d", ts.failedPosts, false)
                .faults(data.faults())
                .render();
        String latency = new SvgChart("POST latency by invocation second (log scale)", ts.seconds(), bucketSeconds,
                YScale.logMillis(TimeSeries.minPositive(ts.p50Millis), TimeSeries.max(ts.maxMillis)))
                .series("p50", "#2e86ab", ts.p50Millis, true)
                .series("p99", "#f0a202", ts.p99Millis, true)
                .series("max", "#c0262d", ts.maxMillis, true)
                .faults(data.faults())
                .render();
        html.append("<h2>Timeline</h2>\n").append(throughput).append(latency)
                .append("<div class=\"muted\">Shaded: fault windows (hover for details). Latency covers every ")
                .append("completed POST, any outcome; gaps are seconds in which no POST was invoked.</div>\n");
    }

    private static void availability(StringBuilder html, List<FaultStats> stats, List<FaultWindow> faults) {
        html.append("<h2>Availability</h2>\n<table><tr><th>#</th><th>nemesis</th><th>description</th><th>overlaps</th><th>start</th>")
                .append("<th>end</th><th>POSTs invoked</th><th>OK</th><th>OK share</th>")
                .append("<th>first OK write after start</th></tr>");
        for (FaultStats s : stats) {
            int index = faults.indexOf(s.window());
            html.append("<tr><td>").append(index < 0 ? "" : "#" + index).append("</td><td>")
                    .append(Html.escape(s.window().nemesis())).append("</td><td>")
                    .append(Html.escape(s.window().description())).append("</td><td>")
                    .append(index < 0 ? "" : Html.escape(overlaps(faults, index))).append("</td>")
                    .append(numCell(Html.seconds(s.window().startNanos())))
                    .append(numCell(Html.seconds(s.window().endNanos())))
                    .append(numCell(String.valueOf(s.postsInvoked()))).append(numCell(String.valueOf(s.postsOk())))
                    .append(numCell(Double.isNaN(s.okShare()) ? "n/a" : Html.num(100 * s.okShare(), 1) + " %"))
                    .append(numCell(s.firstOkWriteAfterStartMillis() == null ? "never"
                            : s.firstOkWriteAfterStartMillis() + " ms"))
                    .append("</tr>");
        }
        html.append("</table>\n");
    }

    private static void recovery(StringBuilder html, List<Recovery.NemesisRecovery> rows) {
        html.append("<h2>Recovery time per nemesis</h2>\n<div class=\"muted\">From the fault's start (and from its heal) to ")
                .append("the acknowledgement of the first write a client invoked at or after it, in ms: p50 / p99 / max over ")
                .append("the nemesis' windows. never: windows after whose heal no write was acknowledged.</div>\n")
                .append("<table><tr><th>nemesis</th><th>windows</th><th>from start p50</th><th>p99</th><th>max</th>")
                .append("<th>from heal p50</th><th>p99</th><th>max</th><th>never</th></tr>");
        for (Recovery.NemesisRecovery r : rows) {
            html.append(r.neverRecovered() > 0 ? "<tr class=\"bad\">" : "<tr>").append(cell(r.nemesis()))
                    .append(numCell(String.valueOf(r.windows())))
                    .append(numCell(ms(r.p50FromStartMillis()))).append(numCell(ms(r.p99FromStartMillis())))
                    .append(numCell(ms(r.maxFromStartMillis()))).append(numCell(ms(r.p50FromHealMillis())))
                    .append(numCell(ms(r.p99FromHealMillis()))).append(numCell(ms(r.maxFromHealMillis())))
                    .append(numCell(String.valueOf(r.neverRecovered()))).append("</tr>");
        }
        html.append("</table>\n");
    }

    private static String ms(Long value) {
        return value == null ? "-" : String.valueOf(value);
    }

    /** The other fault windows in effect at some time during window {@code index}: composed faults. */
    static String overlaps(List<FaultWindow> faults, int index) {
        FaultWindow w = faults.get(index);
        List<String> with = new java.util.ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            FaultWindow o = faults.get(i);
            if (i != index && o.startNanos() < w.endNanos() && w.startNanos() < o.endNanos()) {
                with.add("#" + i + " " + o.nemesis());
            }
        }
        return String.join(", ", with);
    }

    private static void anomalies(StringBuilder html, List<Anomaly> anomalies) {
        html.append("<h2>Anomalies (").append(anomalies.size()).append(")</h2>\n");
        if (anomalies.isEmpty()) {
            html.append("<p>None: every check passed.</p>\n");
            return;
        }
        anomalies.stream().limit(MAX_ANOMALIES_SHOWN).forEach(a -> anomaly(html, a));
        if (anomalies.size() > MAX_ANOMALIES_SHOWN) {
            html.append("<p class=\"muted\">").append(anomalies.size() - MAX_ANOMALIES_SHOWN)
                    .append(" more anomalies are in verdict.json.</p>\n");
        }
    }

    private static void anomaly(StringBuilder html, Anomaly a) {
        html.append("<div class=\"anomaly\"><span class=\"kind\">").append(Html.escape(a.kind()))
                .append("</span> ").append(Html.escape(a.description()));
        if (!a.ops().isEmpty()) {
            html.append("<table><tr><th>index</th><th>process</th><th>type</th><th>f</th><th>room</th><th>node</th>")
                    .append("<th>time</th><th>key</th><th>seq</th><th>read</th><th>error</th></tr>");
            a.ops().forEach(op -> opRow(html, op));
            html.append("</table>");
        }
        html.append("</div>\n");
    }

    private static void opRow(StringBuilder html, Op op) {
        String read = op.readKeys() == null ? ""
                : op.readKeys().size() + " keys, last seq " + op.readLastSeq();
        html.append("<tr>").append(numCell(String.valueOf(op.index()))).append(numCell(String.valueOf(op.process())))
                .append(cell(op.type().name())).append(cell(op.f().name())).append(cell(op.room()))
                .append(cell(op.node())).append(numCell(Html.seconds(op.timeNanos()))).append(cell(op.key()))
                .append(numCell(op.seq() == null ? "" : String.valueOf(op.seq()))).append(cell(read))
                .append(cell(op.error())).append("</tr>");
    }

    private static void row(StringBuilder html, String name, String value) {
        html.append("<tr><th>").append(Html.escape(name)).append("</th><td>").append(Html.escape(value))
                .append("</td></tr>");
    }

    private static String cell(String value) {
        return "<td>" + Html.escape(value) + "</td>";
    }

    private static String numCell(String value) {
        return "<td class=\"num\">" + Html.escape(value) + "</td>";
    }
}
