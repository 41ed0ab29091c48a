package org.raftchat.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.raftchat.proto.v1.ChatMessage;

/**
 * How the CLI prints a message: {@code [seq] HH:mm:ss author: text}, then " (edited)" for an edited
 * post, "(deleted)" as a deleted post's text, and "edited [N]: text" / "deleted [N]" for the events.
 */
public final class MessageLines {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private MessageLines() {
    }

    public static String format(ChatMessage m, ZoneId zone) {
        String time = TIME.format(Instant.ofEpochMilli(m.getTimestampMs()).atZone(zone));
        return "[" + m.getSeq() + "] " + time + " " + m.getAuthor() + ": " + body(m);
    }

    private static String body(ChatMessage m) {
        return switch (m.getKind()) {
            case EDIT -> "edited [" + m.getRefersToSeq() + "]: " + m.getText();
            case DELETE -> "deleted [" + m.getRefersToSeq() + "]";
            default -> m.getDeleted() ? "(deleted)" : m.getText() + (m.getEdited() ? " (edited)" : "");
        };
    }
}
