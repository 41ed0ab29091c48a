package org.raftchat.statemachine;

/** Why a well-formed command was refused by the state it met. Refusals change nothing but the applied index. */
public enum Rejection {
    /** A message was posted to a room that was never created. */
    ROOM_NOT_FOUND,
    /** A room was created under a name that is already taken. */
    ROOM_ALREADY_EXISTS
}
