package org.raftchat.bench;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The text of a bench message: {@code bench <run> <intended start ns> <op> } then filler up to the
 * wanted size. A subscriber reads the intended start back to time the delivery; {@link System#nanoTime}
 * is only comparable within one JVM, which holds because one bench process both posts and subscribes,
 * and the run id keeps messages of other runs (other JVMs) out.
 */
record MessageText(String runId, long intendedStartNanos, long op) {

    static final String PREFIX = "bench ";
    static final int RUN_ID_LENGTH = 12;
    /** "bench " + run id + two longs of up to 20 characters + 3 separators. */
    static final int MAX_HEADER_BYTES = PREFIX.length() + RUN_ID_LENGTH + 20 + 20 + 3;
    private static final char FILLER = 'x';

    /** A fresh random run id: 12 lower-case hex digits. */
    static String newRunId() {
        return String.format("%0" + RUN_ID_LENGTH + "x", ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL);
    }

    /** This stamp as a text of exactly {@code bytes} ASCII characters. */
    String render(int bytes) {
        String header = PREFIX + runId + ' ' + intendedStartNanos + ' ' + op + ' ';
        if (header.length() > bytes) {
            throw new IllegalArgumentException("a " + bytes + "-byte message cannot hold its " + header.length() + "-byte header");
        }
        return header + String.valueOf(FILLER).repeat(bytes - header.length());
    }

    /** The stamp in a text this class rendered; empty for any other text. */
    static Optional<MessageText> parse(String text) {
        if (!text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = text.substring(PREFIX.length()).split(" ", 4);
        if (parts.length < 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new MessageText(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2])));
        } catch (NumberFormatException notOurs) {
            return Optional.empty();
        }
    }
}
