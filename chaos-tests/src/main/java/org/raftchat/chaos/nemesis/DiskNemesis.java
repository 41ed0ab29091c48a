package org.raftchat.chaos.nemesis;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disk faults on a node's data volume (a size-limited tmpfs at /data):
 * <ul>
 *   <li>{@code disk-full}: the leader's data volume filled to the last byte, then a snapshot asked of it
 *       (appends still land in the WAL space RocksDB preallocated; a snapshot needs new files at once);
 *       healing frees it. The node must refuse writes (or step down), never acknowledge what it did not
 *       store, and recover: a failed snapshot is retried later, a failed write makes the node exit with
 *       code 75 and its supervisor start it again. Healing waits until it is a working replica again.</li>
 *   <li>{@code disk-corrupt}: a random node's JVM killed, one byte flipped in one of its files (a Raft
 *       log file, a state-machine RocksDB table or log, or a snapshot file), the JVM started again.
 *       The node must detect it and refuse to serve (it exits with code 74 and stays down), or recover
 *       by itself; it must never serve corrupt data: the checker's final reads compare every replica.
 *       Healing waits for it to be a working replica; if it is not, it does what the operations guide
 *       tells an operator: replace the replica (remove it, wipe its data, start it, add it back), and
 *       waits until it has caught up from the others.</li>
 * </ul>
 */
public final class DiskNemesis implements Nemesis {

    /** Files whose bytes matter: Raft log and state-machine RocksDB tables and write-ahead logs, snapshot files. */
    static final List<String> CORRUPTIBLE = List.of(
            ".*/raft/log/.*\\.(sst|log)",
            ".*/state/.*\\.(sst|log)",
            ".*/raft/snapshot/.*");

    private static final Logger LOG = LoggerFactory.getLogger(DiskNemesis.class);
    /** Long enough for the supervisor's restart back-off (at most 10 s) and the start-up storage check. */
    private static final Duration SELF_REPAIR_TIMEOUT = Duration.ofSeconds(20);
    /** Long enough to start a JVM and catch up (by snapshot after a replacement). */
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(60);

    private final boolean corrupt;
    private String victim;

    private DiskNemesis(boolean corrupt) {
        this.corrupt = corrupt;
    }

    public static DiskNemesis full() {
        return new DiskNemesis(false);
    }

    public static DiskNemesis corrupt() {
        return new DiskNemesis(true);
    }

    @Override
    public String name() {
        return corrupt ? "disk-corrupt" : "disk-full";
    }

    @Override
    public String inject(DockerCluster cluster, Random random) {
        if (!corrupt) {
            victim = Nemesis.leaderOrRandom(cluster, random);
            // Its JVM may exit and be restarted by its supervisor: no other fault may pick it meanwhile.
            cluster.hold(victim);
            long filled = cluster.fillDisk(victim);
            // Appends still land in the WAL space RocksDB preallocated; a snapshot needs new files at once.
            String snapshot = cluster.triggerSnapshot(victim);
            return victim + "'s data volume full (" + filled / (1024 * 1024) + " MiB filler); " + snapshot;
        }
        victim = Nemesis.randomFree(cluster, random);
        cluster.killNode(victim);
        int first = random.nextInt(CORRUPTIBLE.size());
        long seed = random.nextLong();
        String flipped = null;
        RuntimeException last = null;
        // Not every node has every kind of file (no snapshot yet): try the drawn kind first, then the others.
        for (int i = 0; i < CORRUPTIBLE.size() && flipped == null; i++) {
            try {
                flipped = cluster.flipByte(victim, CORRUPTIBLE.get((first + i) % CORRUPTIBLE.size()), seed);
            } catch (RuntimeException e) {
                last = e;
            }
        }
        cluster.restartNode(victim);
        cluster.hold(victim);
        if (flipped == null) {
            throw new IllegalStateException("no file to corrupt on " + victim, last);
        }
        return victim + " restarted with a flipped byte: " + flipped;
    }

    /** A replica stopped on corrupt data comes back only by a replacement, two membership changes. */
    @Override
    public boolean healNeedsLeader() {
        return corrupt;
    }

    @Override
    public void heal(DockerCluster cluster) {
        if (victim == null) {
            return;
        }
        String node = victim;
        if (!corrupt) {
            cluster.freeDisk(node);
            if (!cluster.awaitHealthyReplica(node, RECOVERY_TIMEOUT)) {
                LOG.warn("disk-full: {} is not a working replica {} s after its disk was freed", node, RECOVERY_TIMEOUT.toSeconds());
            }
        } else if (cluster.awaitHealthyReplica(node, SELF_REPAIR_TIMEOUT)) {
            LOG.info("disk-corrupt: {} is a working replica with its data as it was", node);
        } else {
            LOG.info("disk-corrupt: {} did not come back by itself; replacing it: {}", node, cluster.replaceReplica(node));
            if (!cluster.awaitHealthyReplica(node, RECOVERY_TIMEOUT)) {
                LOG.warn("disk-corrupt: {} is not a working replica {} s after it was replaced", node, RECOVERY_TIMEOUT.toSeconds());
            }
        }
        cluster.release(node);
        victim = null;
    }
}
