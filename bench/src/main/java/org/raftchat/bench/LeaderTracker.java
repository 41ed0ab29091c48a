package org.raftchat.bench;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where writes go: the node last believed to lead. A follower's leader hint moves it there; a
 * failure on it moves it to the next known address, whose answer (FAILED_PRECONDITION with the
 * leader) brings the writes back on track. Thread-safe; compare-and-set, so one failure seen by
 * many writes moves it once.
 *
 * <p>Why not the leader tracking of the client library's {@link org.raftchat.client.ClusterConnection}:
 * that one serves blocking calls and, when the believed leader fails, forgets it, so the next call starts
 * at whichever node answered last. Here thousands of asynchronous writes in flight see the same failure;
 * moving them all once, to the next node, is what the redirects and retries the bench counts and times
 * have always measured.
 */
final class LeaderTracker {

    private final List<String> addresses;
    private final AtomicReference<String> leader;

    LeaderTracker(List<String> addresses, String initialLeader) {
        this.addresses = List.copyOf(addresses);
        this.leader = new AtomicReference<>(initialLeader);
    }

    String current() {
        return leader.get();
    }

    /** Takes a leader hint from {@code from}'s NotLeader answer. */
    void follow(String from, String hint) {
        leader.compareAndSet(from, hint);
    }

    /** {@code failed} did not take a write: unless someone moved on already, try the next address. Returns where to go now. */
    String moveOn(String failed) {
        String next = addresses.get((addresses.indexOf(failed) + 1) % addresses.size());
        leader.compareAndSet(failed, next);
        return leader.get();
    }
}
