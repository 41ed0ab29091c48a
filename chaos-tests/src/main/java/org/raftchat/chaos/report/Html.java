package org.raftchat.chaos.report;

import java.util.Locale;

/** Escaping and number formatting for the hand-written HTML and SVG. */
final class Html {

    private Html() {
    }

    /** Escapes text for element content and quoted attribute values. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder s = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    /** A coordinate or value with at most {@code decimals} decimals, '.' as separator regardless of locale. */
    static String num(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    static String seconds(long nanos) {
        return num(nanos / 1e9, 3) + " s";
    }
}
