package org.raftchat.statemachine;

import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.MarkRead;

/**
 * How far each user has read each of their conversations, and which private conversations they have
 * (so those show in their unread lists). Positions only move forward.
 */
final class ReadPositions {

    private final BatchStore store;
    private final StateView view;

    ReadPositions(BatchStore store, StateView view) {
        this.store = store;
        this.view = view;
    }

    ApplyResult markRead(MarkRead body) {
        ConversationRef conversation = CanonicalConversations.canonical(body.getConversation());
        String user = body.getUser();
        return view.mayRead(conversation, user).then(() -> {
            byte[] conversationKey = Keys.conversation(conversation);
            long readSeq = view.readSeq(user, conversationKey);
            long wanted = Math.min(Math.max(body.getSeq(), 0), view.lastSeq(conversationKey));
            if (wanted > readSeq) {
                readSeq = wanted;
                store.put(Keys.readPosition(user, conversationKey), Keys.longBytes(readSeq));
            }
            return new ApplyResult.ReadMarked(conversation, readSeq);
        });
    }

    /**
     * The author of message {@code seq} has read it: their own message is never unread to them. Only
     * when they had read everything before it, so posting does not hide others' unread messages.
     */
    void authorHasRead(ConversationRef canonical, String author, long seq) {
        byte[] conversationKey = Keys.conversation(canonical);
        if (view.readSeq(author, conversationKey) == seq - 1) {
            store.put(Keys.readPosition(author, conversationKey), Keys.longBytes(seq));
        }
    }

    /** Records that both users have this private conversation, so it shows in their unread lists. */
    void noteDirect(ConversationRef canonicalPair) {
        byte[] conversation = Keys.conversation(canonicalPair);
        store.put(Keys.userDirect(canonicalPair.getDirect().getUserA(), conversation), new byte[0]);
        store.put(Keys.userDirect(canonicalPair.getDirect().getUserB(), conversation), new byte[0]);
    }
}
