package org.raftchat.cli.interactive;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one line under the input: who you are, where you are, the connection, and what is unread
 * elsewhere, e.g. {@code ann in #lobby | connected to n2 (127.0.0.1:9102) | unread: @ann,bob 2}.
 * Pure: the session renders it every second so the reconnect countdown moves.
 */
public final class StatusLine {

    private StatusLine() {
    }

    /**
     * @param unreadElsewhere conversations other than the current one with unread messages, by shown name
     */
    public static String render(String user, String conversation, Connection connection,
            Map<String, Long> unreadElsewhere, Instant now) {
        StringBuilder line = new StringBuilder(user).append(" in ").append(conversation).append(" | ")
                .append(describe(connection, now));
        if (!unreadElsewhere.isEmpty()) {
            line.append(" | unread: ").append(unreadElsewhere.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        return line.toString();
    }

    public static String describe(Connection connection, Instant now) {
        if (connection instanceof Connection.Connecting c) {
            return "connecting to " + c.address();
        }
        if (connection instanceof Connection.Connected c) {
            return "connected to " + c.nodeId() + " (" + c.address() + ")";
        }
        if (connection instanceof Connection.Reconnecting r) {
            return "reconnecting to " + r.next() + " (attempt " + r.attempt() + ", "
                    + countdown(Duration.between(now, r.nextAt())) + ")";
        }
        return "live updates stopped: " + ((Connection.Stopped) connection).why();
    }

    /** Whole seconds, rounded up, so "next in 0 s" never shows while still waiting. */
    private static String countdown(Duration left) {
        if (left.isNegative() || left.isZero()) {
            return "connecting now";
        }
        long seconds = (left.toMillis() + 999) / 1000;
        return "next in " + seconds + " s";
    }
}
