package org.raftchat.statemachine;

/** Refusals several command families give, worded once. */
final class Refusals {

    private Refusals() {}

    static ApplyResult.Rejected userNotFound(String name) {
        return new ApplyResult.Rejected(Rejection.USER_NOT_FOUND, "user '" + name + "' does not exist");
    }

    static ApplyResult.Rejected roomNotFound(String room) {
        return new ApplyResult.Rejected(Rejection.ROOM_NOT_FOUND, "room '" + room + "' does not exist");
    }

    static ApplyResult.Rejected sessionEnded() {
        return new ApplyResult.Rejected(Rejection.SESSION_NOT_FOUND, "the session has ended: log in again");
    }
}
