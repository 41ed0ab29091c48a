package org.raftchat.chaos.report;

import java.util.ArrayList;
import java.util.List;

/** Maps a chart's values onto 0..1 of its height and says where the gridlines go. */
interface YScale {

    /** 0 at the bottom of the plot, 1 at the top; values outside the range are clamped. */
    double fraction(double value);

    List<Tick> ticks();

    /** A gridline: its value and its label. */
    record Tick(double value, String label) {
    }

    /** 0..a round number at or above {@code max}, five gridlines. */
    static YScale linear(double max) {
        double step = niceStep(Math.max(1, max) / 5);
        double top = Math.max(step, Math.ceil(max / step) * step);
        return new YScale() {
            @Override
            public double fraction(double value) {
                return clamp(value / top);
            }

            @Override
            public List<Tick> ticks() {
                List<Tick> ticks = new ArrayList<>();
                for (double v = 0; v <= top + step / 2; v += step) {
                    ticks.add(new Tick(v, Html.num(v, step < 1 ? 1 : 0)));
                }
                return ticks;
            }
        };
    }

    /**
     * Log10 between the powers of ten around {@code min} and {@code max} (milliseconds):
     * latency spans sub-millisecond happy paths and multi-second election timeouts.
     */
    static YScale logMillis(double min, double max) {
        double safeMin = Double.isNaN(min) || min <= 0 ? 0.1 : min;
        double lo = Math.floor(Math.log10(safeMin));
        double hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(max, safeMin))));
        return new YScale() {
            @Override
            public double fraction(double value) {
                return value <= 0 ? 0 : clamp((Math.log10(value) - lo) / (hi - lo));
            }

            @Override
            public List<Tick> ticks() {
                List<Tick> ticks = new ArrayList<>();
                for (double e = lo; e <= hi; e++) {
                    ticks.add(new Tick(Math.pow(10, e), millisLabel(Math.pow(10, e))));
                }
                return ticks;
            }
        };
    }

    private static String millisLabel(double ms) {
        if (ms >= 1000) {
            return Html.num(ms / 1000, 0) + " s";
        }
        return ms >= 1 ? Html.num(ms, 0) + " ms" : Html.num(ms, 3).replaceAll("0+$", "") + " ms";
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= raw) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static double clamp(double f) {
        return Math.max(0, Math.min(1, f));
    }
}
