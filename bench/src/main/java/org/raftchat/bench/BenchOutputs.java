package org.raftchat.bench;

import java.nio.file.Path;

/** Writes what a run leaves besides its .hlog files (written while it runs): result.json, percentiles.svg and, for a soak, soak.csv. */
public final class BenchOutputs {

    private BenchOutputs() {
    }

    public static void write(Path dir, BenchOutcome outcome) {
        BenchResult r = outcome.result();
        ResultJson.write(dir.resolve(ResultJson.FILE_NAME), r);
        String title = "RaftChat " + r.cluster().nodes() + " nodes, " + r.parameters().loadDescription() + ", "
                + r.parameters().messageBytes() + "-byte messages (" + r.startedAt() + ")";
        PercentilePlot.write(dir.resolve(PercentilePlot.FILE_NAME), title, outcome.histograms());
        if (!r.soak().isEmpty()) {
            SoakTable.write(dir, r.soak());
        }
    }
}
