package org.raftchat.statemachine;

/** Whether a session may read a conversation now, and if not, why (see {@link ChatStateMachine#readAccess}). */
public enum ReadAccess {
    ALLOWED,
    /** The session does not exist (logged out, expired, revoked, replaced by a newer login on its device, never issued) or is past its lifetime. */
    SESSION_ENDED,
    /** The room does not exist (never created, or deleted). */
    ROOM_NOT_FOUND,
    /** The user is not a member of the room, or not one of the two users of the private conversation (as {@link Rejection#NOT_A_MEMBER}). */
    NOT_A_MEMBER,
    /** The user is banned from the room (and so not a member). */
    BANNED
}
