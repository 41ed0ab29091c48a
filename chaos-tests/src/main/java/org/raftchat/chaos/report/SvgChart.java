package org.raftchat.chaos.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.raftchat.chaos.history.FaultWindow;

/**
 * One inline SVG time chart: x is seconds since the start of the run, one line per series
 * (one point per bucket), every fault window shaded and labelled with its nemesis (the
 * description is the tooltip). No scripts: the report must open from a CI artifact as is.
 */
final class SvgChart {

    private static final int WIDTH = 960;
    private static final int HEIGHT = 280;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 62;
    private static final int BOTTOM = 34;
    private static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
    private static final int PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
    /** Fault labels go into the first of this many rows where they do not overlap the previous label. */
    private static final int LABEL_ROWS = 3;
    private static final double LABEL_CHAR_WIDTH = 6.5;
    private static final String[] FAULT_COLOURS = {"#e4572e", "#6a4c93", "#17a2b8", "#f0a202", "#2e86ab", "#a23b72"};

    private final String title;
    private final double xMaxSeconds;
    private final double bucketSeconds;
    private final YScale y;
    private final List<Series> series = new ArrayList<>();
    private final List<FaultWindow> faults = new ArrayList<>();

    private record Series(String name, String colour, double[] values, boolean dots) {
    }

    SvgChart(String title, double xMaxSeconds, double bucketSeconds, YScale y) {
        this.title = title;
        this.xMaxSeconds = Math.max(bucketSeconds, xMaxSeconds);
        this.bucketSeconds = bucketSeconds;
        this.y = y;
    }

    /** Adds a line; NaN values are gaps. {@code dots} marks each point (for sparse series). */
    SvgChart series(String name, String colour, double[] values, boolean dots) {
        series.add(new Series(name, colour, values.clone(), dots));
        return this;
    }

    SvgChart faults(List<FaultWindow> windows) {
        faults.addAll(windows);
        return this;
    }

    String render() {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(Html.escape(title)).append("\">\n");
        svg.append(text(LEFT, 16, "start", "title", title));
        legend(svg);
        faultShading(svg);
        yAxis(svg);
        xAxis(svg);
        // Drawn last to first, so the first series (e.g. p50) stays visible where lines meet.
        for (int i = series.size() - 1; i >= 0; i--) {
            line(svg, series.get(i));
        }
        svg.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(PLOT_WIDTH)
                .append("\" height=\"").append(PLOT_HEIGHT).append("\" class=\"frame\" fill=\"none\" stroke=\"#bbb\"/>\n");
        return svg.append("</svg>\n").toString();
    }

    private void legend(StringBuilder svg) {
        double x = WIDTH - RIGHT;
        for (int i = series.size() - 1; i >= 0; i--) {
            Series s = series.get(i);
            x -= 12 + 7 * s.name().length();
            svg.append("<rect x=\"").append(Html.num(x, 1)).append("\" y=\"8\" width=\"10\" height=\"10\" fill=\"")
                    .append(s.colour()).append("\"/>");
            svg.append(text(x + 13, 17, "start", "legend", s.name()));
            x -= 10;
        }
    }

    private void faultShading(StringBuilder svg) {
        Map<String, String> colours = new LinkedHashMap<>();
        double[] rowEnds = new double[LABEL_ROWS];
        for (FaultWindow w : faults) {
            String colour = colours.computeIfAbsent(w.nemesis(), n -> FAULT_COLOURS[colours.size() % FAULT_COLOURS.length]);
            double x0 = x(w.startNanos() / 1e9);
            double width = Math.max(1.5, x(w.endNanos() / 1e9) - x0);
            int row = labelRow(rowEnds, x0);
            rowEnds[row] = x0 + 3 + LABEL_CHAR_WIDTH * w.nemesis().length() + 4;
            double labelY = TOP - 6 - 13 * row;
            svg.append("<g class=\"fault\"><title>").append(Html.escape(w.nemesis() + ": " + w.description()))
                    .append(" (").append(Html.seconds(w.startNanos())).append(" – ").append(Html.seconds(w.endNanos()))
                    .append(")</title>")
                    .append("<rect x=\"").append(Html.num(x0, 1)).append("\" y=\"").append(TOP)
                    .append("\" width=\"").append(Html.num(width, 1)).append("\" height=\"").append(PLOT_HEIGHT)
                    .append("\" fill=\"").append(colour).append("\" fill-opacity=\"0.16\"/>")
                    .append("<line x1=\"").append(Html.num(x0, 1)).append("\" x2=\"").append(Html.num(x0, 1))
                    .append("\" y1=\"").append(Html.num(labelY + 3, 1)).append("\" y2=\"").append(TOP + PLOT_HEIGHT)
                    .append("\" stroke=\"").append(colour).append("\" stroke-dasharray=\"3,2\"/>")
                    .append(text(x0 + 3, labelY, "start", "fault-label", w.nemesis(), colour))
                    .append("</g>\n");
        }
    }

    /** The lowest row (0 is nearest the plot) whose last label ends before {@code x}; else the row that ends first. */
    private static int labelRow(double[] rowEnds, double x) {
        int earliest = 0;
        for (int row = 0; row < rowEnds.length; row++) {
            if (rowEnds[row] <= x) {
                return row;
            }
            earliest = rowEnds[row] < rowEnds[earliest] ? row : earliest;
        }
        return earliest;
    }

    private void yAxis(StringBuilder svg) {
        for (YScale.Tick tick : y.ticks()) {
            double ty = yPixel(tick.value());
            svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + PLOT_WIDTH).append("\" y1=\"")
                    .append(Html.num(ty, 1)).append("\" y2=\"").append(Html.num(ty, 1)).append("\" class=\"grid\" stroke=\"#eee\"/>");
            svg.append(text(LEFT - 6, ty + 4, "end", "tick", tick.label()));
        }
        svg.append('\n');
    }

    private void xAxis(StringBuilder svg) {
        double step = YScale.niceStep(xMaxSeconds / 12);
        for (double t = 0; t <= xMaxSeconds + 1e-9; t += step) {
            double tx = x(t);
            svg.append("<line x1=\"").append(Html.num(tx, 1)).append("\" x2=\"").append(Html.num(tx, 1))
                    .append("\" y1=\"").append(TOP + PLOT_HEIGHT).append("\" y2=\"").append(TOP + PLOT_HEIGHT + 4)
                    .append("\" class=\"axis\" stroke=\"#888\"/>");
            svg.append(text(tx, TOP + PLOT_HEIGHT + 16, "middle", "tick", Html.num(t, step < 1 ? 1 : 0) + "s"));
        }
        svg.append(text(LEFT + PLOT_WIDTH / 2.0, HEIGHT - 4, "middle", "tick", "seconds since start")).append('\n');
    }

    /** Polylines between consecutive non-NaN points, plus dots if asked. */
    private void line(StringBuilder svg, Series s) {
        StringBuilder points = new StringBuilder();
        for (int b = 0; b <= s.values().length; b++) {
            boolean gap = b == s.values().length || Double.isNaN(s.values()[b]);
            if (gap) {
                flush(svg, s.colour(), points);
                continue;
            }
            double px = x((b + 0.5) * bucketSeconds);
            double py = yPixel(s.values()[b]);
            points.append(Html.num(px, 1)).append(',').append(Html.num(py, 1)).append(' ');
            if (s.dots()) {
                svg.append("<circle cx=\"").append(Html.num(px, 1)).append("\" cy=\"").append(Html.num(py, 1))
                        .append("\" r=\"2\" fill=\"").append(s.colour()).append("\"/>");
            }
        }
        svg.append('\n');
    }

    private static void flush(StringBuilder svg, String colour, StringBuilder points) {
        if (points.length() > 0) {
            svg.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(colour).append("\" points=\"")
                    .append(points.toString().trim()).append("\"/>");
            points.setLength(0);
        }
    }

    private double x(double seconds) {
        return LEFT + Math.max(0, Math.min(1, seconds / xMaxSeconds)) * PLOT_WIDTH;
    }

    private double yPixel(double value) {
        return TOP + PLOT_HEIGHT - y.fraction(value) * PLOT_HEIGHT;
    }

    private static String text(double x, double y, String anchor, String cssClass, String content) {
        return text(x, y, anchor, cssClass, content, null);
    }

    private static String text(double x, double y, String anchor, String cssClass, String content, String fill) {
        String fillAttribute = fill == null ? "" : " fill=\"" + fill + "\"";
        return "<text x=\"" + Html.num(x, 1) + "\" y=\"" + Html.num(y, 1) + "\" text-anchor=\"" + anchor
                + "\" class=\"" + cssClass + "\"" + fillAttribute + ">" + Html.escape(content) + "</text>";
    }
}
