package org.raftchat.node;

import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.DirectPair;

/** Canonical forms of a conversation: the pair of a private conversation in name order. */
final class Conversations {

    private Conversations() {
    }

    static ConversationRef canonical(ConversationRef ref) {
        if (ref.getKindCase() != ConversationRef.KindCase.DIRECT) {
            return ref;
        }
        DirectPair pair = ref.getDirect();
        if (pair.getUserA().compareTo(pair.getUserB()) <= 0) {
            return ref;
        }
        return ConversationRef.newBuilder()
                .setDirect(DirectPair.newBuilder().setUserA(pair.getUserB()).setUserB(pair.getUserA()))
                .build();
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
