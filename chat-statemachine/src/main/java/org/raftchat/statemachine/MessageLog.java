package org.raftchat.statemachine;

import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;

/**
 * Appends messages to conversations: each gets the conversation's next seq (seqs are dense from 1),
 * the command's leader time and log index. Every message apply stores goes through here: posts,
 * private messages, edit and delete events, notices, dead-letter copies.
 */
final class MessageLog {

    private final BatchStore store;

    MessageLog(BatchStore store) {
        this.store = store;
    }

    /** Appends a plain message by {@code author}. */
    ApplyResult.MessageStored append(ConversationRef conversation, String author, String text, long index, long timestampMs) {
        return append(ChatMessage.newBuilder().setConversation(conversation).setAuthor(author).setText(text), index, timestampMs);
    }

    /** Appends the message built from {@code draft} (conversation, author, text, kind...), assigning seq, time and index. */
    ApplyResult.MessageStored append(ChatMessage.Builder draft, long index, long timestampMs) {
        byte[] conversationKey = Keys.conversation(draft.getConversation());
        byte[] counterKey = Keys.counter(conversationKey);
        byte[] lastSeq = store.get(counterKey);
        long seq = (lastSeq == null ? 0 : Keys.readLong(lastSeq)) + 1;
        ChatMessage message = draft
                .setSeq(seq)
                .setTimestampMs(timestampMs)
                .setLogIndex(index)
                .build();
        store.put(Keys.message(conversationKey, seq), message.toByteArray());
        store.put(counterKey, Keys.longBytes(seq));
        return new ApplyResult.MessageStored(message);
    }
}
