package org.raftchat.cli.interactive;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;

/**
 * What the screen has shown of one conversation, and so what it may show next. Pure and not
 * thread-safe: the session calls it under its own lock.
 *
 * <p>Guarantees: a seq is shown at most once ({@link #offer} answers {@link Offer.Duplicate} for
 * anything at or below {@link #lastShownSeq()}), and never out of order: a seq beyond
 * {@code lastShown + 1} is a {@link Offer.Gap} the caller fills from history first. The
 * "new messages" marker goes right before the first shown message after the read position
 * it was armed with.
 */
public final class ConversationView {

    /** The line shown at the read position. */
    public static final String NEW_MESSAGES_MARKER = "------------------------- new messages -------------------------";

    /** What to do with an offered message. */
    public sealed interface Offer {
        /** Show these lines (the marker, if due, then the message). */
        record Show(List<String> lines) implements Offer { }

        /** Already shown: drop it. */
        record Duplicate() implements Offer { }

        /** Messages {@code afterSeq + 1 .. beforeSeq - 1} are missing: fetch and offer them first. */
        record Gap(long afterSeq, long beforeSeq) implements Offer { }
    }

    private final ConversationRef conversation;
    private final Function<ChatMessage, String> format;
    private long lastShownSeq;
    /** The oldest seq shown, for /history paging back; 0 while nothing is shown. */
    private long oldestShownSeq;
    /** Show the marker before the first message after this seq; -1 when not armed. */
    private long markerAfterSeq = -1;
    private boolean visited;

    public ConversationView(ConversationRef conversation, Function<ChatMessage, String> format) {
        this.conversation = Objects.requireNonNull(conversation, "conversation");
        this.format = Objects.requireNonNull(format, "format");
    }

    public ConversationRef conversation() {
        return conversation;
    }

    public long lastShownSeq() {
        return lastShownSeq;
    }

    public long oldestShownSeq() {
        return oldestShownSeq;
    }

    public boolean visited() {
        return visited;
    }

    /**
     * Where showing starts when the user switches here: on the first visit a few messages of
     * context before the read position, later right after the last shown one.
     *
     * @param readSeq     the replicated read position
     * @param contextSize how many already-read messages to show first on a first visit
     */
    public long enter(long readSeq, int contextSize) {
        long from = visited ? lastShownSeq : Math.max(0, readSeq - contextSize);
        if (!visited) {
            lastShownSeq = from;
        }
        visited = true;
        markerAfterSeq = Math.max(readSeq, lastShownSeq);
        return lastShownSeq;
    }

    /** The catch-up after {@link #enter} is done: later live messages need no marker. */
    public void caughtUp() {
        markerAfterSeq = -1;
    }

    public Offer offer(ChatMessage message) {
        long seq = message.getSeq();
        if (seq <= lastShownSeq) {
            return new Offer.Duplicate();
        }
        if (seq != lastShownSeq + 1) {
            return new Offer.Gap(lastShownSeq, seq);
        }
        List<String> lines = new ArrayList<>(2);
        if (markerAfterSeq >= 0 && seq > markerAfterSeq) {
            lines.add(NEW_MESSAGES_MARKER);
            markerAfterSeq = -1;
        }
        lines.add(format.apply(message));
        lastShownSeq = seq;
        if (oldestShownSeq == 0) {
            oldestShownSeq = seq;
        }
        return new Offer.Show(List.copyOf(lines));
    }

    /**
     * Lines for a page of older messages (ascending) shown by /history: only those before the
     * oldest shown, so paging back never repeats a message.
     */
    public List<String> olderPage(List<ChatMessage> page) {
        long limit = oldestShownSeq == 0 ? lastShownSeq + 1 : oldestShownSeq;
        List<String> lines = page.stream().filter(m -> m.getSeq() < limit).map(format).toList();
        page.stream().filter(m -> m.getSeq() < limit).mapToLong(ChatMessage::getSeq).min()
                .ifPresent(min -> oldestShownSeq = min);
        return lines;
    }

    /** The seq /history pages back from: messages before it are not shown yet. */
    public long olderThan() {
        return oldestShownSeq == 0 ? lastShownSeq + 1 : oldestShownSeq;
    }
}
