package org.raftchat.node.metrics;

/** What the metrics read from a running node when Prometheus scrapes; each call must be cheap and thread-safe. */
public interface NodeStatusView {

    /** SOFAJRaft's state without its prefix (LEADER, FOLLOWER, CANDIDATE, ...), or ERROR once the replica stopped applying. */
    String role();

    boolean isLeader();

    long term();

    long lastLogIndex();

    long committedIndex();

    long appliedIndex();

    long openSubscriptions();
}
