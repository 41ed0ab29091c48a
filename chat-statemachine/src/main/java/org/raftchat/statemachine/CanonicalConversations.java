package org.raftchat.statemachine;

import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.DirectPair;

/**
 * Canonical forms of conversations: a direct pair is stored and returned with its two names
 * sorted. Public so the node keys its subscriptions exactly as the state stores conversations.
 */
public final class CanonicalConversations {

    private CanonicalConversations() {}

    static ConversationRef room(String name) {
        return ConversationRef.newBuilder().setRoom(name).build();
    }

    /** The pair (a, b) and (b, a) are one conversation; the smaller name comes first. */
    static ConversationRef direct(String userA, String userB) {
        boolean ordered = userA.compareTo(userB) <= 0;
        DirectPair pair = DirectPair.newBuilder()
                .setUserA(ordered ? userA : userB)
                .setUserB(ordered ? userB : userA)
                .build();
        return ConversationRef.newBuilder().setDirect(pair).build();
    }

    /** Returns the canonical form of a query's conversation; rejects a reference with no kind set. */
    public static ConversationRef canonical(ConversationRef conversation) {
        return switch (conversation.getKindCase()) {
            case ROOM -> room(conversation.getRoom());
            case DIRECT -> direct(conversation.getDirect().getUserA(), conversation.getDirect().getUserB());
            case KIND_NOT_SET -> throw new IllegalArgumentException("conversation has neither room nor direct pair");
        };
    }
}
