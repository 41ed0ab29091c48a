package org.raftchat.node;

/** Who this node believes leads: empty strings when it does not know. */
record LeaderHint(String leaderId, String leaderApiAddress) {

    static final LeaderHint UNKNOWN = new LeaderHint("", "");

    boolean known() {
        return !leaderApiAddress.isEmpty();
    }
}
