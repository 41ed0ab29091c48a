package org.raftchat.statemachine;

import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.MarkRead;

/**
 * How far each user has read each of their conversations, and which private conversations they have
 * (so those show in their unread lists). Positions only move forward.
 */
final class ReadPositions {

    private final BatchStore store;
    private final RoomCommands rooms;

    ReadPositions(BatchStore store, RoomCommands rooms) {
        this.store = store;
        this.rooms = rooms;
    }

    ApplyResult markRead(MarkRead body) {
        ConversationRef conversation = Conversations.canonical(body.getConversation());
        String user = body.getUser();
        ApplyResult.Rejected refused = rooms.checkReader(conversation, user);
        if (refused != null) {
            return refused;
        }
        byte[] conversationKey = Keys.conversation(conversation);
        byte[] lastValue = store.get(Keys.counter(conversationKey));
        long lastSeq = lastValue == null ? 0 : Keys.readLong(lastValue);
        byte[] positionKey = Keys.readPosition(user, conversationKey);
        byte[] current = store.get(positionKey);
        long readSeq = current == null ? 0 : Keys.readLong(current);
        long wanted = Math.min(Math.max(body.getSeq(), 0), lastSeq);
        if (wanted > readSeq) {
            readSeq = wanted;
            store.put(positionKey, Keys.longBytes(readSeq));
        }
        return new ApplyResult.ReadMarked(conversation, readSeq);
    }

    /**
     * The author of message {@code seq} has read it: their own message is never unread to them. Only
     * when they had read everything before it, so posting does not hide others' unread messages.
     */
    void authorHasRead(ConversationRef canonical, String author, long seq) {
        byte[] positionKey = Keys.readPosition(author, Keys.conversation(canonical));
        byte[] current = store.get(positionKey);
        if ((current == null ? 0 : Keys.readLong(current)) == seq - 1) {
            store.put(positionKey, Keys.longBytes(seq));
        }
    }

    /** Records that both users have this private conversation, so it shows in their unread lists. */
    void noteDirect(ConversationRef canonicalPair) {
        byte[] conversation = Keys.conversation(canonicalPair);
        store.put(Keys.userDirect(canonicalPair.getDirect().getUserA(), conversation), new byte[0]);
        store.put(Keys.userDirect(canonicalPair.getDirect().getUserB(), conversation), new byte[0]);
    }
}
