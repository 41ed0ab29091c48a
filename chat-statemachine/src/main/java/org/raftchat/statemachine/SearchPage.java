package org.raftchat.statemachine;

import java.util.List;
import org.raftchat.proto.v1.ChatMessage;

/**
 * A page of search matches, newest first. {@code nextBeforeSeq} continues the search below what this
 * page scanned; 0 when it reached the conversation's first message.
 */
public record SearchPage(List<ChatMessage> matches, long nextBeforeSeq) {

    public SearchPage {
        matches = List.copyOf(matches);
        if (nextBeforeSeq < 0) {
            throw new IllegalArgumentException("nextBeforeSeq must be >= 0, got " + nextBeforeSeq);
        }
    }
}
