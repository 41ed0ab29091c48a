package org.raftchat.bench;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations as people write them on a command line: {@code 20s}, {@code 500ms}, {@code 2m}, {@code 1.5s}. */
public final class DurationText {

    private static final Pattern AMOUNT_UNIT = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)\\s*(ms|s|m)");

    private DurationText() {
    }

    public static Duration parse(String text) {
        Matcher m = AMOUNT_UNIT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use e.g. 20s, 500ms or 2m");
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        BigDecimal nanosPerUnit = switch (m.group(2)) {
            case "ms" -> BigDecimal.valueOf(1_000_000L);
            case "s" -> BigDecimal.valueOf(1_000_000_000L);
            default -> BigDecimal.valueOf(60_000_000_000L);
        };
        return Duration.ofNanos(amount.multiply(nanosPerUnit).longValue());
    }

    /** The shortest way to write {@code d} back: {@code 20s}, {@code 500ms}, {@code 1.5s}. */
    public static String format(Duration d) {
        if (d.toNanosPart() % 1_000_000 == 0 && d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        BigDecimal seconds = BigDecimal.valueOf(d.toNanos()).movePointLeft(9).stripTrailingZeros();
        return seconds.toPlainString() + "s";
    }
}
