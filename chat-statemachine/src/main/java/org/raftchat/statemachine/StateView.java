package org.raftchat.statemachine;

import java.util.Optional;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.StoredSession;

/**
 * Typed reads of the state and the rules decided on them, one view for apply (over its batch) and
 * for queries (over a snapshot), so a rule is written once: who may read a conversation and who may
 * post to a room here, when a session has ended in {@link SessionLifetimes}, when an online session
 * is silent in {@link PresenceCommands#silentAt}.
 */
final class StateView {

    private final StateReader reader;

    StateView(StateReader reader) {
        this.reader = reader;
    }

    boolean userExists(String name) {
        return reader.get(Keys.user(name)) != null;
    }

    boolean roomExists(String room) {
        return reader.get(Keys.room(room)) != null;
    }

    boolean isMember(String room, String user) {
        return reader.get(Keys.member(room, user)) != null;
    }

    boolean banned(String room, String user) {
        return reader.get(Keys.ban(room, user)) != null;
    }

    boolean invited(String room, String user) {
        return reader.get(Keys.invitation(room, user)) != null;
    }

    int memberCount(String room) {
        return Math.toIntExact(readLong(Keys.memberCount(room)));
    }

    /** The highest seq of the conversation, 0 if it has no message. */
    long lastSeq(byte[] conversationKey) {
        return readLong(Keys.counter(conversationKey));
    }

    /** The seq up to which {@code user} has read the conversation, 0 if none. */
    long readSeq(String user, byte[] conversationKey) {
        return readLong(Keys.readPosition(user, conversationKey));
    }

    /** Passed when {@code name} is a registered user. */
    Check knownUser(String name) {
        return userExists(name) ? Check.PASSED : Check.refused(Refusals.userNotFound(name));
    }

    /** Passed when the room exists. */
    Check knownRoom(String room) {
        return roomExists(room) ? Check.PASSED : Check.refused(Refusals.roomNotFound(room));
    }

    /** The stored session, whether or not it is past a lifetime. */
    Optional<StoredSession> session(byte[] tokenSha256) {
        return Optional.ofNullable(reader.get(Keys.session(tokenSha256))).map(StoredValues::decodeSession);
    }

    /** The session unless it ended or is past a lifetime at leader time {@code nowMs}. */
    Optional<StoredSession> liveSession(byte[] tokenSha256, long nowMs) {
        return session(tokenSha256).filter(s -> !SessionLifetimes.expiredAt(s, nowMs));
    }

    /**
     * The read rule: a room must exist and have {@code user} as a member (a banned user is not one); a
     * private conversation ({@code conversation} canonical) must be theirs. Never
     * {@link ReadAccess#SESSION_ENDED}: the session is the query's to check.
     */
    ReadAccess readAccess(ConversationRef conversation, String user) {
        if (conversation.getKindCase() == ConversationRef.KindCase.DIRECT) {
            boolean participant = conversation.getDirect().getUserA().equals(user) || conversation.getDirect().getUserB().equals(user);
            return participant ? ReadAccess.ALLOWED : ReadAccess.NOT_A_MEMBER;
        }
        String room = conversation.getRoom();
        if (!roomExists(room)) {
            return ReadAccess.ROOM_NOT_FOUND;
        }
        if (isMember(room, user)) {
            return ReadAccess.ALLOWED;
        }
        return banned(room, user) ? ReadAccess.BANNED : ReadAccess.NOT_A_MEMBER;
    }

    /**
     * The read rule as a command meets it (a read position, an edit, a delete): the same refusal as
     * a read gets, so a stranger learns nothing about what the conversation holds. A banned user is
     * refused as any non-member; only a read says why.
     */
    Check mayRead(ConversationRef conversation, String user) {
        ReadAccess access = readAccess(conversation, user);
        if (access == ReadAccess.ALLOWED) {
            return Check.PASSED;
        }
        if (access == ReadAccess.ROOM_NOT_FOUND) {
            return Check.refused(Refusals.roomNotFound(conversation.getRoom()));
        }
        return Check.refused(Rejection.NOT_A_MEMBER, conversation.getKindCase() == ConversationRef.KindCase.ROOM
                ? user + " is not a member of room '" + conversation.getRoom() + "'"
                : user + " is not part of that private conversation");
    }

    /** The post rule: whoever may read a room may post to it (and consume it, if it is a work queue). */
    Check mayPost(String room, String user) {
        return mayRead(CanonicalConversations.room(room), user);
    }

    private long readLong(byte[] key) {
        byte[] value = reader.get(key);
        return value == null ? 0 : Keys.readLong(value);
    }
}
