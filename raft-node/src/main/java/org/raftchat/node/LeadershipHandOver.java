package org.raftchat.node;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.State;
import com.alipay.sofa.jraft.entity.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.raftchat.config.NodeSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stopping leader does first: hands leadership to the follower with the most complete log
 * (SOFAJRaft's choice for {@link PeerId#ANY_PEER}), so writes move on at once instead of after an
 * election timeout. Best effort: if no follower takes over, the others elect a leader as usual.
 */
final class LeadershipHandOver {

    private static final Logger LOG = LoggerFactory.getLogger(LeadershipHandOver.class);
    private static final long POLL_MS = 20;

    private final Node node;
    private final NodeSpec self;
    private final LongSupplier leaderTerm;
    private final Supplier<LeaderHint> knownLeader;
    private final Duration electionTimeout;

    LeadershipHandOver(Node node, NodeSpec self, LongSupplier leaderTerm, Supplier<LeaderHint> knownLeader, Duration electionTimeout) {
        this.node = node;
        this.self = self;
        this.leaderTerm = leaderTerm;
        this.knownLeader = knownLeader;
        this.electionTimeout = electionTimeout;
    }

    /**
     * On a leader with a live follower: starts the transfer and waits until another node leads, the
     * transfer is abandoned (SOFAJRaft gives up after an election timeout and leads again), or
     * {@code timeout} passes. Does nothing on a follower.
     */
    void handOver(Duration timeout) throws InterruptedException {
        if (leaderTerm.getAsLong() < 0 || !hasLiveFollower()) {
            return;
        }
        Status status;
        try {
            status = node.transferLeadershipTo(PeerId.ANY_PEER);
        } catch (RuntimeException e) {
            // Stopping must go on whatever happens here; the others elect a leader after their timeout.
            LOG.warn("Node {} is stopping as leader without a transfer: {}", self.id(), e.toString());
            return;
        }
        if (!status.isOk()) {
            LOG.warn("Node {} is stopping as leader without a transfer: {}", self.id(), status);
            return;
        }
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            LeaderHint hint = knownLeader.get();
            if (hint.known() && !hint.leaderId().equals(self.id())) {
                LOG.info("Node {} transferred leadership to {} in {} ms before stopping", self.id(), hint.leaderId(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                return;
            }
            if (node.getNodeState() == State.STATE_LEADER && System.nanoTime() - started > electionTimeout.toNanos()) {
                break;
            }
            Thread.sleep(POLL_MS);
        }
        LOG.warn("Node {}: leadership did not move before stopping; the others will elect a leader", self.id());
    }

    private boolean hasLiveFollower() {
        List<PeerId> alive;
        try {
            alive = node.listAlivePeers();
        } catch (IllegalStateException notLeaderAnyMore) {
            // Leadership moved on since the check: nothing to hand over.
            return false;
        }
        return alive != null && alive.stream().anyMatch(p -> !p.getEndpoint().toString().equals(self.raftAddress()));
    }
}
