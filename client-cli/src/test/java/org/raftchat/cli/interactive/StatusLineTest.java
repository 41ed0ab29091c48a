package org.raftchat.cli.interactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusLineTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    @Test
    void connectedShowsTheNodeAndUnreadElsewhere() {
        // Goal: the status line names the node serving the feed and what is unread in other conversations.
        String line = StatusLine.render("ann", "#lobby", new Connection.Connected("n2", "127.0.0.1:9102"),
                Map.of("@ann,bob", 2L), NOW);

        assertThat(line).isEqualTo("ann in #lobby | connected to n2 (127.0.0.1:9102) | unread: @ann,bob 2");
    }

    @Test
    void reconnectingCountsAttemptsAndSecondsToTheNextOne() {
        // Goal: during an outage the line says where the next attempt goes, which attempt, and when (rounded up).
        Connection reconnecting = new Connection.Reconnecting("127.0.0.1:9101", "127.0.0.1:9103", 3, NOW.plusMillis(1200));

        assertThat(StatusLine.describe(reconnecting, NOW)).isEqualTo("reconnecting to 127.0.0.1:9103 (attempt 3, next in 2 s)");
        assertThat(StatusLine.describe(reconnecting, NOW.plusSeconds(2))).isEqualTo("reconnecting to 127.0.0.1:9103 (attempt 3, connecting now)");
        assertThat(StatusLine.describe(new Connection.Connecting("127.0.0.1:9103"), NOW)).isEqualTo("connecting to 127.0.0.1:9103");
    }
}
