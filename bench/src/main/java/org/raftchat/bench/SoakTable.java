package org.raftchat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A soak's rows as a terminal table and as {@value #FILE_NAME} (one line per row), for plotting the curve. */
public final class SoakTable {

    static final String FILE_NAME = "soak.csv";
    static final List<String> CSV_HEADER = List.of("row", "end_s", "acked_per_s", "commit_p99_ms", "read_p99_ms",
            "delivery_p99_ms", "errors", "server_cpu_us_per_ack", "rss_mb", "disk_mb");
    private static final List<String> HEADER = List.of("row", "end s", "acks/s", "commit p99", "read p99", "delivery p99",
            "errors", "cpu µs/ack", "RSS MiB", "disk MiB");

    private SoakTable() {
    }

    public static String render(List<SoakRow> rows) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(HEADER);
        for (SoakRow r : rows) {
            cells.add(List.of(Integer.toString(r.row()), num(r.endS()), num(r.ackedPerSec()), num(r.commitP99Ms()),
                    num(r.readP99Ms()), num(r.deliveryP99Ms()), Long.toString(r.errors()), num(r.serverCpuUsPerAck()),
                    num(r.rssMb()), num(r.diskMb())));
        }
        StringBuilder out = new StringBuilder("per row (latencies in ms; RSS and disk: all nodes at the row's end)")
                .append(System.lineSeparator());
        TextTables.align(cells, "  ").forEach(line -> out.append(line.stripTrailing()).append(System.lineSeparator()));
        return out.toString();
    }

    /** CSV with -1 left as an empty cell (unknown), so plotting tools skip it. */
    static String csv(List<SoakRow> rows) {
        StringBuilder out = new StringBuilder(String.join(",", CSV_HEADER)).append('\n');
        for (SoakRow r : rows) {
            out.append(r.row()).append(',').append(cell(r.endS())).append(',').append(cell(r.ackedPerSec())).append(',')
                    .append(cell(r.commitP99Ms())).append(',').append(cell(r.readP99Ms())).append(',')
                    .append(cell(r.deliveryP99Ms())).append(',').append(r.errors()).append(',')
                    .append(cell(r.serverCpuUsPerAck())).append(',').append(cell(r.rssMb())).append(',')
                    .append(cell(r.diskMb())).append('\n');
        }
        return out.toString();
    }

    static void write(Path dir, List<SoakRow> rows) {
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.writeString(file, csv(rows));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String num(double value) {
        return value < 0 ? ResultTable.NO_DATA : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String cell(double value) {
        return value < 0 ? "" : String.format(Locale.ROOT, "%.2f", value);
    }
}
