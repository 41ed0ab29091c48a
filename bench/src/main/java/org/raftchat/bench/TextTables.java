package org.raftchat.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Number formats and column alignment shared by the terminal table and the markdown summary. */
final class TextTables {

    private TextTables() {
    }

    /** Milliseconds with about three significant digits: 0.412, 4.12, 41.2, 412. */
    static String ms(double ms) {
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.3f", ms);
        }
        if (ms < 100) {
            return String.format(Locale.ROOT, "%.2f", ms);
        }
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.1f", ms);
        }
        return String.format(Locale.ROOT, "%.0f", ms);
    }

    static String rate(double perSec) {
        return String.format(Locale.ROOT, "%.0f", perSec);
    }

    /** Rows (the first is the header) padded into columns; the first column left-aligned, the others right-aligned. */
    static List<String> align(List<List<String>> rows, String separator) {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                if (c > 0) {
                    line.append(separator);
                }
                String cell = row.get(c);
                String pad = " ".repeat(widths[c] - cell.length());
                line.append(c == 0 ? cell + pad : pad + cell);
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
