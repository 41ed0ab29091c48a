package org.raftchat.chaos.nemesis;

import java.util.List;
import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;

/**
 * Disk faults on a node's data volume (a size-limited tmpfs at /data):
 * <ul>
 *   <li>{@code disk-full}: the leader's data volume filled to the last byte, then a snapshot asked of it
 *       (appends still land in the WAL space RocksDB preallocated; a snapshot needs new files at once);
 *       healing frees it. The node must refuse writes (or step down), never acknowledge what it did not
 *       store, and recover.</li>
 *   <li>{@code disk-corrupt}: a random node's JVM killed, one byte flipped in one of its files (a Raft
 *       log file, a state-machine RocksDB table or log, or a snapshot file), the JVM started again;
 *       healing kills it again if it is still up and restarts it with the data as it is. The node must
 *       detect it and refuse to serve, or recover from the others; it must never serve corrupt data:
 *       the checker's final reads compare every replica.</li>
 * </ul>
 */
public final class DiskNemesis implements Nemesis {

    /** Files whose bytes matter: Raft log and state-machine RocksDB tables and write-ahead logs, snapshot files. */
    static final List<String> CORRUPTIBLE = List.of(
            ".*/raft/log/.*\\.(sst|log)",
            ".*/state/.*\\.(sst|log)",
            ".*/raft/snapshot/.*");

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
        if (flipped == null) {
            throw new IllegalStateException("no file to corrupt on " + victim, last);
        }
        return victim + " restarted with a flipped byte: " + flipped;
    }

    @Override
    public void heal(DockerCluster cluster) {
        if (victim == null) {
            return;
        }
        if (!corrupt) {
            cluster.freeDisk(victim);
        }
        victim = null;
    }
}
