package org.raftchat.statemachine;

/** Names the state machine gives a meaning of its own. */
public final class WellKnown {

    private WellKnown() {}

    /** The lobby: created with the first account, every account is in it, it cannot be left or deleted. */
    public static final String MAIN_HALL = "MainHall";
    /** The author of notices the state machine posts itself; no account can have this name. */
    public static final String SYSTEM_USER = "system";
    /** A work queue's dead-letter room is the queue's name followed by this; no other room may end in it. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";
    static final String MAIN_HALL_DESCRIPTION = "The lobby: every user is here";
}
