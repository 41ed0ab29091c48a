package org.raftchat.statemachine;

import java.util.List;
import org.raftchat.proto.v1.ChatMessage;

/**
 * A slice of one conversation, read from a single consistent snapshot.
 *
 * @param messages ascending by seq, immutable
 * @param lastSeq the highest seq in the conversation at the time of the read, 0 if it is empty
 */
public record HistoryPage(List<ChatMessage> messages, long lastSeq) {

    public HistoryPage {
        messages = List.copyOf(messages);
        if (lastSeq < 0) {
            throw new IllegalArgumentException("lastSeq must be >= 0, got " + lastSeq);
        }
    }
}
