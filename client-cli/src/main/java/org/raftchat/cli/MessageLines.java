package org.raftchat.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.raftchat.proto.v1.ChatMessage;

/** How the CLI prints a message: {@code [seq] HH:mm:ss author: text}. */
final class MessageLines {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private MessageLines() {
    }

    static String format(ChatMessage m, ZoneId zone) {
        String time = TIME.format(Instant.ofEpochMilli(m.getTimestampMs()).atZone(zone));
        return "[" + m.getSeq() + "] " + time + " " + m.getAuthor() + ": " + m.getText();
    }
}
