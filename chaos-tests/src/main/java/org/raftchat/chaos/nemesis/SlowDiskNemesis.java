package org.raftchat.chaos.nemesis;

import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;

/**
 * A slow disk: every fsync and fdatasync of the leader's JVM (its Raft log appends, RocksDB's syncs)
 * waits 200–800 ms first, through an LD_PRELOAD shim (docker/slowsync.c); the data still reaches the
 * disk as before. With a majority of healthy disks the cluster must go on committing (the followers'
 * acknowledgements form the quorum without the leader's own append) or move leadership to a healthy
 * node, and lose nothing. Healing restores full speed.
 */
public final class SlowDiskNemesis implements Nemesis {

    private String victim;

    @Override
    public String name() {
        return "slow-disk";
    }

    @Override
    public String inject(DockerCluster cluster, Random random) {
        victim = Nemesis.leaderOrRandom(cluster, random);
        long delayMs = 200 + random.nextInt(601);
        cluster.slowFsync(victim, delayMs);
        return victim + "'s fsync and fdatasync each wait " + delayMs + " ms";
    }

    @Override
    public void heal(DockerCluster cluster) {
        if (victim != null) {
            cluster.restoreFsync(victim);
            victim = null;
        }
    }
}
