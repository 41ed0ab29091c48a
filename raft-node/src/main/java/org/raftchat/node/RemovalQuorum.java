package org.raftchat.node;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether the Raft configuration a removal leaves still has a majority that the leader hears from.
 * SOFAJRaft commits a change through a joint configuration, which needs a majority of the old
 * members and of the new ones. If the new ones the leader can reach are fewer than their majority,
 * the leader steps down at once (its step-down check counts the new configuration), and a leader can
 * then come back only where a node that holds the change reaches a majority of it: with one of three
 * nodes down, removing the healthy follower leaves no such node until the down one is back; in a ring
 * partition of five, removing the leader or its neighbour cost a leader change at best (and very
 * likely the 29 s without a leader of CI seed 45589019469655). Such a removal is refused instead, as
 * etcd's strict reconfiguration check refuses it. Removing a node the leader cannot reach is what an
 * operator does after a crash, and stays allowed while the rest keep a majority.
 *
 * @param membersAfter   the configuration after the removal (Raft addresses)
 * @param reachableAfter those of them the leader has heard from within its lease, itself included
 */
record RemovalQuorum(Set<String> membersAfter, Set<String> reachableAfter) {

    static RemovalQuorum of(Set<String> membersAfter, Collection<String> reachable) {
        return new RemovalQuorum(Set.copyOf(membersAfter),
                reachable.stream().filter(membersAfter::contains).collect(Collectors.toUnmodifiableSet()));
    }

    /** A majority of the configuration after the removal. */
    int needed() {
        return membersAfter.size() / 2 + 1;
    }

    boolean kept() {
        return reachableAfter.size() >= needed();
    }

    /**
     * How long a leader that has led for {@code leading} must still wait before it can tell which peers
     * it hears from; zero once it can. SOFAJRaft starts each replicator as if its peer had just
     * answered, so for one lease after an election every peer counts as heard from, the unreachable too.
     */
    static Duration waitToJudge(Duration leading, Duration lease) {
        return leading.compareTo(lease) >= 0 ? Duration.ZERO : lease.minus(leading);
    }
}
