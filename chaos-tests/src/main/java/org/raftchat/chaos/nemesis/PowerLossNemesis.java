package org.raftchat.chaos.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Power failures: the JVM killed and its files cut back to what a sync had made durable, as a machine
 * that loses power loses its page cache (docker/powerloss.c records each sync, docker/power-cut.py cuts).
 * A plain kill -9 keeps written-but-unsynced data in the page cache, so it cannot show an
 * acknowledgement given before the data was on disk; this can.
 * <ul>
 *   <li>{@code power-loss}: the leader (or a random node) loses power.</li>
 *   <li>{@code power-loss-all}: every node no other fault holds loses power at once (a rack or a data
 *       centre): acknowledged writes then survive only if a majority had synced them.</li>
 * </ul>
 * Healing restores power: the nodes start again on what was left and must come back as working
 * replicas, with nothing acknowledged lost (the checker's final reads) and nothing diverged.
 */
public final class PowerLossNemesis implements Nemesis {

    private static final Logger LOG = LoggerFactory.getLogger(PowerLossNemesis.class);
    /** A JVM start, the start-up storage check and catching up on what it lost. */
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(60);

    private final boolean wholeCluster;
    private final List<String> victims = new ArrayList<>();

    private PowerLossNemesis(boolean wholeCluster) {
        this.wholeCluster = wholeCluster;
    }

    public static PowerLossNemesis oneNode() {
        return new PowerLossNemesis(false);
    }

    public static PowerLossNemesis wholeCluster() {
        return new PowerLossNemesis(true);
    }

    @Override
    public String name() {
        return wholeCluster ? "power-loss-all" : "power-loss";
    }

    @Override
    public boolean takesEveryNode() {
        return wholeCluster;
    }

    @Override
    public String inject(DockerCluster cluster, Random random) {
        victims.addAll(wholeCluster ? cluster.freeNodes() : List.of(Nemesis.leaderOrRandom(cluster, random)));
        if (victims.isEmpty()) {
            throw new IllegalStateException("every node is held by another fault");
        }
        // All JVMs die before any file is cut: nothing runs on while another node's power is off.
        victims.forEach(cluster::killNode);
        List<String> cuts = victims.stream().map(id -> id + ": " + cluster.cutPower(id)).toList();
        return "power lost on " + String.join(", ", victims) + " (" + String.join("; ", cuts) + ")";
    }

    @Override
    public void heal(DockerCluster cluster) {
        victims.forEach(cluster::restartNode);
        for (String id : victims) {
            if (cluster.awaitHealthyReplica(id, RECOVERY_TIMEOUT)) {
                LOG.info("{}: {} is a working replica again after its power cut", name(), id);
            } else if (cluster.stoppedOnCorruptData(id)) {
                LOG.warn("{}: {} refuses its data after the power cut (exit code 74): synced data was lost or torn", name(), id);
            } else {
                LOG.warn("{}: {} is not a working replica {} s after power came back", name(), id, RECOVERY_TIMEOUT.toSeconds());
            }
        }
        victims.clear();
    }
}
