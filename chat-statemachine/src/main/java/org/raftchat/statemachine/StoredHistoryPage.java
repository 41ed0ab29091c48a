package org.raftchat.statemachine;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * A slice of one conversation as it is stored, read from a single consistent snapshot: the same
 * messages as the {@link HistoryPage} of the same read, each still in its {@code ChatMessage}
 * encoding.
 *
 * @param messages ascending by seq, each one message's wire encoding; immutable
 * @param lastSeq the highest seq in the conversation at the time of the read, 0 if it is empty
 */
public record StoredHistoryPage(List<ByteString> messages, long lastSeq) {

    public StoredHistoryPage {
        messages = List.copyOf(messages);
        if (lastSeq < 0) {
            throw new IllegalArgumentException("lastSeq must be >= 0, got " + lastSeq);
        }
    }
}
