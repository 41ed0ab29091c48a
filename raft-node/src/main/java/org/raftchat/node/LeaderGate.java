package org.raftchat.node;

/** Fails fast with the not-leader answer, before a write does expensive work (a password hash) on a follower. */
@FunctionalInterface
interface LeaderGate {

    /** Throws FAILED_PRECONDITION with a NotLeader detail unless this node leads. */
    void requireLeader();
}
