package org.raftchat.bench;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * A metric's interval histograms as an HdrHistogram log ({@code NAME.hlog}), for
 * HistogramLogAnalyzer or {@code HistogramLogProcessor}: one line per interval, times relative to
 * the start of the measured window, values in microseconds (the max column in milliseconds).
 */
final class HistogramLogFile implements Closeable {

    /** Values are microseconds; dividing by 1000 shows the max column in milliseconds. */
    private static final double MICROS_PER_MS = 1_000.0;

    private final HistogramLogWriter writer;
    private final long baseTimeMs;

    HistogramLogFile(Path file, long startEpochMs, String comment) {
        try {
            this.writer = new HistogramLogWriter(file.toFile());
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        this.baseTimeMs = startEpochMs;
        writer.outputComment(comment);
        writer.outputComment("values in microseconds; interval max in milliseconds");
        writer.outputLogFormatVersion();
        writer.outputStartTime(startEpochMs);
        writer.outputBaseTime(startEpochMs);
        writer.setBaseTime(startEpochMs);
        writer.outputLegend();
    }

    void append(Histogram interval) {
        double startSec = (interval.getStartTimeStamp() - baseTimeMs) / 1000.0;
        double endSec = (interval.getEndTimeStamp() - baseTimeMs) / 1000.0;
        writer.outputIntervalHistogram(Math.max(0, startSec), Math.max(0, endSec), interval, MICROS_PER_MS);
    }

    @Override
    public void close() {
        writer.close();
    }
}
