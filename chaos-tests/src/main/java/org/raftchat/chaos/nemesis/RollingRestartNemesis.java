package org.raftchat.chaos.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's rolling restart, while clients write: the nodes no other fault holds, one at a time
 * in a seeded order (the leader as likely first as any), stopped gracefully (SIGTERM: a leader first
 * hands leadership over) and started again, the next one only once the restarted node is a working replica. It runs in the background
 * from its start, so another fault can overlap it (e.g. {@code rolling-restart+partition-majority});
 * healing lets the node being restarted finish and ends the round there, so the schedule keeps time
 * (a window of about ten seconds fits one or two nodes here). The recovery table's windows of this
 * nemesis show what graceful hand-overs cost clients.
 */
public final class RollingRestartNemesis implements Nemesis {

    private static final Logger LOG = LoggerFactory.getLogger(RollingRestartNemesis.class);
    /** Per node: catching up after its start (behind a partition it cannot; the round moves on). */
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(20);
    /** Healing waits this long for the node being restarted: a graceful stop (up to 30 s in the worst case) and a start. */
    private static final Duration HEAL_WAIT = Duration.ofSeconds(45);

    private Thread worker;
    private volatile boolean healing;
    private final List<String> restarted = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public String name() {
        return "rolling-restart";
    }

    @Override
    public String inject(DockerCluster cluster, Random random) {
        List<String> order = new ArrayList<>(cluster.freeNodes());
        java.util.Collections.shuffle(order, random);
        if (order.isEmpty()) {
            throw new IllegalStateException("every node is held by another fault");
        }
        worker = new Thread(() -> restartInTurn(cluster, order), "rolling-restart");
        worker.setDaemon(true);
        worker.start();
        return "rolling restart in the order " + order + " while the window lasts (graceful stop, start, caught up), leader "
                + cluster.leader().orElse("unknown");
    }

    private void restartInTurn(DockerCluster cluster, List<String> order) {
        for (String id : order) {
            if (healing) {
                return;
            }
            if (!cluster.freeNodes().contains(id)) {
                LOG.info("rolling-restart: {} is held by another fault; skipped", id);
                continue;
            }
            cluster.hold(id);
            try {
                cluster.stopNodeGracefully(id);
                cluster.restartNode(id);
                restarted.add(id);
                if (!cluster.awaitHealthyReplica(id, CATCH_UP_TIMEOUT)) {
                    LOG.warn("rolling-restart: {} is not a working replica {} s after its restart", id, CATCH_UP_TIMEOUT.toSeconds());
                }
            } catch (RuntimeException e) {
                LOG.warn("rolling-restart: restarting {} failed: {}", id, e.toString());
            } finally {
                cluster.release(id);
            }
        }
    }

    @Override
    public void heal(DockerCluster cluster) {
        if (worker == null) {
            return;
        }
        healing = true;
        try {
            worker.join(HEAL_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.warn("rolling-restart: a node is still restarting after {} s; the final heal starts what is down", HEAL_WAIT.toSeconds());
        }
        LOG.info("rolling-restart: restarted {} in this window", restarted);
        worker = null;
    }
}
