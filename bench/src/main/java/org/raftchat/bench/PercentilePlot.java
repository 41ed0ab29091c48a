package org.raftchat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * {@code percentiles.svg}: latency against percentile, one line per histogram, in the style of
 * HdrHistogram's plots. The x axis is log-scaled in 1/(1-p), so 90%, 99%, 99.9%... are equally
 * spaced and the tail gets as much room as the median; the y axis is linear in milliseconds.
 * Plain SVG 1.1, written here, so any browser shows it.
 */
final class PercentilePlot {

    static final String FILE_NAME = "percentiles.svg";

    private static final int WIDTH = 980;
    private static final int HEIGHT = 520;
    private static final int LEFT = 70;
    private static final int RIGHT = 300;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final int MIN_DECADES = 2;
    private static final int MAX_DECADES = 6;
    /** Points per halving of the distance to 100%: smooth enough, a few hundred points per line. */
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final List<String> COLORS = List.of("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b");

    private PercentilePlot() {
    }

    static void write(Path file, String title, Map<String, Histogram> histogramsMicros) {
        try {
            Files.writeString(file, svg(title, histogramsMicros), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The plot of the non-empty histograms (values in microseconds) under {@code title}. */
    static String svg(String title, Map<String, Histogram> histogramsMicros) {
        List<Map.Entry<String, Histogram>> series = histogramsMicros.entrySet().stream()
                .filter(e -> e.getValue().getTotalCount() > 0).toList();
        long maxCount = series.stream().mapToLong(e -> e.getValue().getTotalCount()).max().orElse(1);
        int decades = Math.max(MIN_DECADES, Math.min(MAX_DECADES, (int) Math.ceil(Math.log10(maxCount))));
        double maxMs = series.stream().mapToDouble(e -> e.getValue().getMaxValue() / 1000.0).max().orElse(1);
        Axis y = Axis.nice(maxMs);

        StringBuilder svg = new StringBuilder();
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"28\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
        grid(svg, decades, y);
        for (int i = 0; i < series.size(); i++) {
            line(svg, series.get(i).getValue(), decades, y, COLORS.get(i % COLORS.size()));
            legend(svg, i, series.get(i).getKey(), series.get(i).getValue(), COLORS.get(i % COLORS.size()));
        }
        if (series.isEmpty()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no data</text>%n", LEFT + 20, TOP + 30));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** Where a percentile (0..100) lands on the x axis, in decades of 1/(1-p): 90% → 1, 99% → 2; 100% → the last decade. */
    static double decadesOf(double percentile, int decades) {
        double rest = 1 - percentile / 100.0;
        if (rest <= 0) {
            return decades;
        }
        return Math.min(decades, Math.max(0, Math.log10(1 / rest)));
    }

    /** The x axis label of a decade: 0%, 90%, 99%, 99.9%, ... */
    static String percentileLabel(int decade) {
        if (decade == 0) {
            return "0%";
        }
        return BigDecimal.valueOf(100).subtract(BigDecimal.ONE.movePointLeft(decade - 2)).stripTrailingZeros()
                .toPlainString() + "%";
    }

    private static void grid(StringBuilder svg, int decades, Axis y) {
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        for (int d = 0; d <= decades; d++) {
            double x = LEFT + plotW * d / decades;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    x, TOP, x, HEIGHT - BOTTOM));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x, HEIGHT - BOTTOM + 18, percentileLabel(d)));
        }
        for (int t = 0; t <= y.ticks(); t++) {
            double value = y.step() * t;
            double py = TOP + plotH - plotH * value / y.max();
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, py, LEFT + plotW, py));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 6, py + 4, trim(value)));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#333\"/>%n",
                LEFT, TOP, plotW, plotH));
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
                LEFT + plotW / 2, HEIGHT - 18));
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">latency (ms)</text>%n",
                TOP + plotH / 2, TOP + plotH / 2));
    }

    private static void line(StringBuilder svg, Histogram micros, int decades, Axis y, String color) {
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        List<String> points = new ArrayList<>();
        for (HistogramIterationValue v : micros.percentiles(TICKS_PER_HALF_DISTANCE)) {
            double x = LEFT + plotW * decadesOf(v.getPercentileLevelIteratedTo(), decades) / decades;
            double ms = micros.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0;
            double py = TOP + plotH - plotH * Math.min(ms, y.max()) / y.max();
            points.add(String.format(Locale.ROOT, "%.1f,%.1f", x, py));
        }
        svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                color, String.join(" ", points)));
    }

    private static void legend(StringBuilder svg, int index, String name, Histogram micros, String color) {
        int x = WIDTH - RIGHT + 20;
        int y = TOP + 14 + index * 36;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n",
                x, y - 4, x + 22, y - 4, color));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s (n=%d)</text>%n", x + 28, y, escape(name), micros.getTotalCount()));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">p50 %s  p99 %s  max %s ms</text>%n",
                x + 28, y + 15, TextTables.ms(micros.getValueAtPercentile(50) / 1000.0),
                TextTables.ms(micros.getValueAtPercentile(99) / 1000.0), TextTables.ms(micros.getMaxValue() / 1000.0)));
    }

    private static String trim(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A y axis from 0 to a round maximum (1, 2 or 5 times a power of ten) in {@code ticks} steps. */
    record Axis(double max, double step, int ticks) {

        static Axis nice(double dataMax) {
            double target = Math.max(dataMax, 0.001);
            double magnitude = Math.pow(10, Math.floor(Math.log10(target / 5)));
            for (double m : new double[] {1, 2, 2.5, 5, 10}) {
                double step = m * magnitude;
                if (step * 5 >= target) {
                    int ticks = (int) Math.ceil(target / step - 1e-9);
                    return new Axis(step * Math.max(ticks, 1), step, Math.max(ticks, 1));
                }
            }
            return new Axis(10 * magnitude * 5, 10 * magnitude, 5);
        }
    }
}
