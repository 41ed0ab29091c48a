package org.raftchat.chaos.history;

import java.util.Objects;
import java.util.Set;

/**
 * A subscriber opened or lost a Subscribe stream.
 *
 * @param subscriber the logical subscriber
 * @param node       the node the stream is (or was) open to
 * @param room       the room subscribed to
 * @param kind       {@link #CONNECT} or {@link #DISCONNECT}
 * @param afterSeq   for a connect: the after_seq sent (deliveries must start at afterSeq + 1);
 *                   for a disconnect: the last seq seen
 * @param timeNanos  nanoseconds since the start of the run
 * @param error      why the stream ended, for a disconnect caused by an error; otherwise null
 */
public record SubscriberEvent(
        int subscriber, String node, String room, String kind, long afterSeq, long timeNanos, String error) {

    public static final String CONNECT = "connect";
    public static final String DISCONNECT = "disconnect";
    private static final Set<String> KINDS = Set.of(CONNECT, DISCONNECT);

    public SubscriberEvent {
        Objects.requireNonNull(room, "room");
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("kind must be one of " + KINDS + ": " + kind);
        }
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq must be >= 0: " + afterSeq);
        }
    }

    public boolean connects() {
        return CONNECT.equals(kind);
    }
}
