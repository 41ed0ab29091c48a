package org.raftchat.client;

import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.DirectPair;

/** Builds and names {@link ConversationRef}s the way the CLI shows them: {@code #room}, {@code @alice,bob}. */
public final class ConversationRefs {

    private ConversationRefs() {
    }

    public static ConversationRef room(String room) {
        return ConversationRef.newBuilder().setRoom(room).build();
    }

    public static ConversationRef direct(String userA, String userB) {
        return ConversationRef.newBuilder()
                .setDirect(DirectPair.newBuilder().setUserA(userA).setUserB(userB))
                .build();
    }

    /** The server's form: a private pair with the smaller name first. */
    public static ConversationRef canonical(ConversationRef ref) {
        if (ref.getKindCase() != ConversationRef.KindCase.DIRECT) {
            return ref;
        }
        String a = ref.getDirect().getUserA();
        String b = ref.getDirect().getUserB();
        return a.compareTo(b) <= 0 ? ref : direct(b, a);
    }

    public static String describe(ConversationRef ref) {
        return switch (ref.getKindCase()) {
            case ROOM -> "#" + ref.getRoom();
            case DIRECT -> "@" + ref.getDirect().getUserA() + "," + ref.getDirect().getUserB();
            case KIND_NOT_SET -> "(no conversation)";
        };
    }
}
