package org.raftchat.chaos.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.raftchat.chaos.checker.FaultStats;
import org.raftchat.chaos.checker.Recovery;
import org.raftchat.chaos.checker.Verdict;
import org.raftchat.chaos.history.HistoryData;
import org.raftchat.chaos.history.HistoryFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's artifacts into one directory:
 * <ul>
 *   <li>{@value HistoryFiles#FILE_NAME}: the history as JSON lines (see {@link HistoryFiles});
 *       re-check it later with {@code Checker.check(HistoryFiles.read(...))}</li>
 *   <li>{@value #VERDICT_FILE}: the {@link Verdict} as JSON (valid, counts, anomalies with their ops)</li>
 *   <li>{@value #RECOVERY_FILE}: recovery times per nemesis and per fault window (see {@link Recovery})</li>
 *   <li>{@value #HTML_FILE}: one self-contained page: verdict, run parameters, counts, throughput
 *       and latency charts with the fault windows, availability per fault, anomalies</li>
 * </ul>
 */
public final class Report {

    public static final String VERDICT_FILE = "verdict.json";
    public static final String HTML_FILE = "report.html";
    public static final String RECOVERY_FILE = "recovery.json";

    private static final Logger LOG = LoggerFactory.getLogger(Report.class);
    private static final ObjectMapper MAPPER = HistoryFiles.mapper();

    private Report() {
    }

    /**
     * Writes the three files into {@code dir} (created if missing; existing files replaced).
     *
     * @param availability as returned by {@code Availability.compute(data)}
     * @return the path of the HTML report
     */
    public static Path write(Path dir, HistoryData data, Verdict verdict, List<FaultStats> availability,
                             RunParams params) throws IOException {
        Files.createDirectories(dir);
        HistoryFiles.write(dir.resolve(HistoryFiles.FILE_NAME), data);
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(VERDICT_FILE).toFile(), verdict);
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(RECOVERY_FILE).toFile(),
                java.util.Map.of("perNemesis", Recovery.perNemesis(data), "perWindow", Recovery.perWindow(data)));
        Path html = dir.resolve(HTML_FILE);
        Files.writeString(html, HtmlReport.render(data, verdict, availability, params), StandardCharsets.UTF_8);
        LOG.info("chaos run {}: report written to {}", verdict.valid() ? "VALID" : "INVALID", html.toAbsolutePath());
        return html;
    }
}
