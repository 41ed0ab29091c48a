package org.raftchat.chaos.history;

import java.util.Objects;

/**
 * One message pushed to a subscriber by a Subscribe stream.
 *
 * @param subscriber the logical subscriber (stays the same across reconnects)
 * @param node       the node whose stream delivered the message
 * @param room       the room subscribed to
 * @param seq        the message's seq
 * @param key        the message's text (= the POST's key)
 * @param timeNanos  nanoseconds since the start of the run
 */
public record Delivery(int subscriber, String node, String room, long seq, String key, long timeNanos) {

    public Delivery {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(key, "key");
    }
}
