package org.raftchat.node;

/**
 * Who this node believes leads: empty strings when it does not know. {@code notMember} is set on a
 * node outside the Raft configuration (removed, or not added yet), which refuses writes for that reason.
 */
record LeaderHint(String leaderId, String leaderApiAddress, boolean notMember) {

    static final LeaderHint UNKNOWN = new LeaderHint("", "");

    LeaderHint(String leaderId, String leaderApiAddress) {
        this(leaderId, leaderApiAddress, false);
    }

    boolean known() {
        return !leaderApiAddress.isEmpty();
    }

    LeaderHint asNotMember() {
        return new LeaderHint(leaderId, leaderApiAddress, true);
    }
}
