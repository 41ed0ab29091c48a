package org.raftchat.chaos.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.chaos.checker.Availability;
import org.raftchat.chaos.checker.Checker;
import org.raftchat.chaos.checker.Verdict;
import org.raftchat.chaos.history.FaultHandle;
import org.raftchat.chaos.history.HistoryData;
import org.raftchat.chaos.history.HistoryFiles;
import org.raftchat.chaos.testing.Scenario;

class ReportTest {

    private static final RunParams PARAMS = new RunParams(42, Scenario.NODES, Duration.ofSeconds(6),
            List.of("partition-leader", "kill-node"), List.of("1s: partition-leader for 2s", "4s: kill-node n3"));

    @TempDir
    Path dir;

    @Test
    void invalidRunGetsASelfContainedReportWithChartsFaultLabelsAndTheVerdict() throws IOException {
        // Goal: one HTML file with the verdict, both SVG charts, each fault labelled, and the anomalies with their ops.
        HistoryData data = smallRunThatLosesAWrite();
        Verdict verdict = Checker.check(data);

        Path html = Report.write(dir, data, verdict, Availability.compute(data), PARAMS);

        String page = Files.readString(html);
        assertThat(page).contains(">INVALID</h1>", "seed 42", "n1, n2, n3", "1s: partition-leader for 2s");
        assertThat(count(page, "<svg")).isEqualTo(2);
        // Each fault is labelled on both charts, and listed in the availability table.
        assertThat(count(page, "class=\"fault-label\"")).isEqualTo(4);
        assertThat(count(page, ">partition-leader</text>")).isEqualTo(2);
        assertThat(count(page, ">kill-node</text>")).isEqualTo(2);
        assertThat(page).contains("<td>isolate the leader n1</td>", "whole-run");
        assertThat(page).contains("<span class=\"kind\">lost</span>", "&#39;late&#39;", "<tr class=\"bad\"><td>lost</td>");
        assertThat(page).doesNotContain("<script", "<link", "src=", "@import");
    }

    @Test
    void reportDirectoryHoldsTheHistoryAndTheVerdictAsJson() throws IOException {
        // Goal: the machine-readable artifacts sit next to the page and read back as what was checked.
        HistoryData data = smallRunThatLosesAWrite();
        Verdict verdict = Checker.check(data);

        Report.write(dir, data, verdict, Availability.compute(data), PARAMS);

        assertThat(HistoryFiles.read(dir.resolve(HistoryFiles.FILE_NAME))).isEqualTo(data);
        Verdict back = HistoryFiles.mapper().readValue(dir.resolve(Report.VERDICT_FILE).toFile(), Verdict.class);
        assertThat(back).isEqualTo(verdict);
        var recovery = HistoryFiles.mapper().readTree(dir.resolve(Report.RECOVERY_FILE).toFile());
        assertThat(recovery.get("perNemesis").size()).isEqualTo(2);
        assertThat(recovery.get("perNemesis").get(0).get("nemesis").asText()).isEqualTo("partition-leader");
        assertThat(recovery.get("perWindow").size()).isEqualTo(2);
    }

    @Test
    void thePageHasTheRecoveryTimeTablePerNemesis() throws IOException {
        HistoryData data = smallRunThatLosesAWrite();
        String page = Files.readString(Report.write(dir, data, Checker.check(data), Availability.compute(data), PARAMS));

        assertThat(page).contains("<h2>Recovery time per nemesis</h2>", "<td>partition-leader</td>", "<td>kill-node</td>");
    }

    @Test
    void validRunSaysValid() throws IOException {
        // Goal: a clean run's page says VALID and lists no anomalies.
        Scenario s = new Scenario();
        s.okPost(0, "a", 1);
        s.finalReads("a");
        HistoryData data = s.data();

        Path html = Report.write(dir, data, Checker.check(data), Availability.compute(data), PARAMS);

        assertThat(Files.readString(html)).contains(">VALID</h1>", "None: every check passed.");
    }

    /** Six seconds of posts with a leader partition and a node kill; one acknowledged write is missing at the end. */
    @Test
    void overlappingFaultsNameEachOtherInTheAvailabilityTable() {
        // Goal: the report shows composed faults: each window lists the windows in effect with it.
        List<org.raftchat.chaos.history.FaultWindow> faults = List.of(
                new org.raftchat.chaos.history.FaultWindow("partition-majority", "n1-/-n2,n3", 1_000, 9_000),
                new org.raftchat.chaos.history.FaultWindow("pause-leader", "pause n2", 5_000, 12_000),
                new org.raftchat.chaos.history.FaultWindow("kill-leader", "kill -9 n1", 20_000, 30_000));

        assertThat(HtmlReport.overlaps(faults, 0)).isEqualTo("#1 pause-leader");
        assertThat(HtmlReport.overlaps(faults, 1)).isEqualTo("#0 partition-majority");
        assertThat(HtmlReport.overlaps(faults, 2)).isEmpty();
    }

    private static HistoryData smallRunThatLosesAWrite() {
        Scenario s = new Scenario();
        long seq = 0;
        FaultHandle partition = null;
        FaultHandle kill = null;
        for (int tick = 0; tick < 60; tick++) {
            if (tick == 10) {
                partition = s.history.faultStart("partition-leader", "isolate the leader n1");
            }
            if (tick == 30) {
                s.history.faultEnd(partition);
            }
            if (tick == 40) {
                kill = s.history.faultStart("kill-node", "kill -9 n3");
            }
            if (tick == 50) {
                s.history.faultEnd(kill);
            }
            boolean faulty = tick >= 10 && tick < 20;
            if (faulty) {
                s.infoPost(tick % 4, "m" + tick);
            } else {
                s.okPost(tick % 4, "m" + tick, ++seq);
            }
            s.idle(95);
        }
        s.okPost(0, "late", ++seq);
        String[] stored = new String[(int) seq - 1];
        int i = 0;
        for (int tick = 0; tick < 60; tick++) {
            if (tick < 10 || tick >= 20) {
                stored[i++] = "m" + tick;
            }
        }
        s.finalReads(stored);
        return s.data();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }
}
