package org.raftchat.statemachine;

/** Why a well-formed command was refused by the state it met. Refusals change nothing but the applied index. */
public enum Rejection {
    /** The command names a room that does not exist (never created, or deleted). */
    ROOM_NOT_FOUND,
    /** A room was created under a name that is already taken. */
    ROOM_ALREADY_EXISTS,
    /** A username is already registered (or reserved). */
    USER_ALREADY_EXISTS,
    /** The command names a user that is not registered. */
    USER_NOT_FOUND,
    /** A nickname is held by another user, or is another user's username. */
    NICKNAME_TAKEN,
    /** The user is not a member of the room (post, read position) or not part of the conversation. */
    NOT_A_MEMBER,
    /** Only the room's owner may do this. */
    NOT_ROOM_OWNER,
    /** The room cannot be left or deleted (MainHall; an owner leaving their own room). */
    NOT_ALLOWED_FOR_ROOM,
    /** A stamped limit (rooms per user, members per room) would be exceeded. */
    LIMIT_REACHED,
    /** An edit or delete names a seq with no message (or an event, not a post). */
    MESSAGE_NOT_FOUND,
    /** Only a message's author may edit or delete it. */
    NOT_MESSAGE_AUTHOR,
    /** A deleted message cannot be edited or deleted again. */
    MESSAGE_DELETED,
    /** The session does not exist (logged out, expired, revoked, replaced by a newer login on the device) or is past its lifetime. */
    SESSION_NOT_FOUND,
    /** A work-queue operation names a room that is not a queue. */
    NOT_A_QUEUE,
    /** An ack names a queue message that is not assigned to the acking session (another's, or not waiting for an ack). */
    NOT_ASSIGNED,
    /** The user's idempotency key was already used for another request (another kind, or other arguments). */
    IDEMPOTENCY_KEY_REUSED,
    /** A revocation names no session of the user (already ended, or a wrong id). */
    SESSION_ID_NOT_FOUND,
    /** A password change checked the old password against a hash another change has replaced since. */
    PASSWORD_CHANGED_MEANWHILE,
    /** The user is banned from the room: no join (hence no post or read) until the owner unbans them. */
    BANNED,
    /** The room is invite-only and the user was not invited by its owner. */
    NOT_INVITED
}
