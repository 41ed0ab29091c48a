package org.raftchat.client;

/**
 * Where a history page starts: the newest messages, the newest before a seq, or the oldest after one.
 *
 * @param kind which end the page is anchored to
 * @param seq  the anchor sequence number; 0 for {@link Kind#LATEST}
 */
public record HistoryAnchor(Kind kind, long seq) {

    public enum Kind { LATEST, BEFORE, AFTER }

    public HistoryAnchor {
        if (kind == null) {
            throw new IllegalArgumentException("kind: required");
        }
        if (kind == Kind.LATEST && seq != 0) {
            throw new IllegalArgumentException("seq: must be 0 for LATEST, got " + seq);
        }
        if (kind == Kind.BEFORE && seq < 1) {
            throw new IllegalArgumentException("before: must be >= 1, got " + seq);
        }
        if (kind == Kind.AFTER && seq < 0) {
            throw new IllegalArgumentException("after: must be >= 0, got " + seq);
        }
    }

    public static HistoryAnchor latest() {
        return new HistoryAnchor(Kind.LATEST, 0);
    }

    /** Messages with seq &lt; {@code seq}, the newest of them. */
    public static HistoryAnchor before(long seq) {
        return new HistoryAnchor(Kind.BEFORE, seq);
    }

    /** Messages with seq &gt; {@code seq}, the oldest of them. */
    public static HistoryAnchor after(long seq) {
        return new HistoryAnchor(Kind.AFTER, seq);
    }
}
