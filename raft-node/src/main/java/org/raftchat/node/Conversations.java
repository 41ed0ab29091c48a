package org.raftchat.node;

import org.raftchat.proto.v1.ConversationRef;

/** Keys and log names for conversations, over the state machine's canonical form. */
final class Conversations {

    private Conversations() {
    }

    static ConversationRef canonical(ConversationRef ref) {
        return org.raftchat.statemachine.CanonicalConversations.canonical(ref);
    }

    /** A string that is equal for equal conversations, whatever the order of a direct pair. */
    static String key(ConversationRef ref) {
        ConversationRef c = canonical(ref);
        return switch (c.getKindCase()) {
            case ROOM -> "room/" + c.getRoom();
            case DIRECT -> "direct/" + c.getDirect().getUserA() + "/" + c.getDirect().getUserB();
            case KIND_NOT_SET -> throw new IllegalArgumentException("conversation not set");
        };
    }

    static String describe(ConversationRef ref) {
        return switch (ref.getKindCase()) {
            case ROOM -> "#" + ref.getRoom();
            case DIRECT -> "@" + ref.getDirect().getUserA() + "<->@" + ref.getDirect().getUserB();
            case KIND_NOT_SET -> "(none)";
        };
    }
}
