package org.raftchat.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Image;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.raftchat.chaos.ChaosRun;
import org.raftchat.chaos.cluster.DockerCluster;
import org.raftchat.chaos.nemesis.Nemeses;
import org.raftchat.chaos.nemesis.Schedule;
import org.raftchat.chaos.workload.WorkloadParams;
import org.raftchat.config.ReadMode;
import org.testcontainers.DockerClientFactory;

/**
 * Fault-injection runs against a containerized cluster (profile {@code chaos}). With no
 * properties it runs CI's bounded set; {@code -Dchaos.nodes -Dchaos.duration (seconds)
 * -Dchaos.nemesis (comma list or "mix"; "a+b" overlaps b with a) -Dchaos.seed -Dchaos.readMode (safe|lease)}
 * replay or lengthen a run.
 */
class ChaosRunIT {

    @Test
    void everyNemesisAgainstFiveNodesKeepsTheChatLogValid() throws Exception {
        // Goal: through kills, pauses, partitions, slow and lossy links and membership changes, every
        // acknowledged message is stored once, replicas agree, reads are linearizable, streams are gap-free.
        List<String> nemeses = Arrays.asList(System.getProperty("chaos.nemesis", Nemeses.MIX).split(","));
        int nodes = Integer.getInteger("chaos.nodes", 5);
        Duration duration = Duration.ofSeconds(Long.getLong("chaos.duration",
                Schedule.coveringAll(Nemeses.expand(nemeses).size()).toSeconds()));
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        ReadMode readMode = ReadMode.parse(System.getProperty("chaos.readMode", "safe"));
        Path reportDir = Path.of(System.getProperty("chaos.reportDir", "target/chaos"))
                .resolve(nodes + "-nodes-seed-" + seed);
        System.out.printf("chaos run: nodes=%d duration=%ds nemesis=%s seed=%d readMode=%s report=%s%n",
                nodes, duration.toSeconds(), String.join(",", nemeses), seed, readMode, reportDir);

        // The run must need no image it did not build: there is no registry to pull from (see the pom).
        Set<String> imagesBefore = imageIds();
        ChaosRun.Result result = ChaosRun.run(new ChaosRun.Params(nodes, duration, nemeses, seed, reportDir,
                System.getProperty("chaos.image", DockerCluster.DEFAULT_IMAGE), WorkloadParams.defaults(), readMode));

        System.out.println("verdict " + result.verdict().counts() + " report " + result.report());
        System.out.println("stopped replicas at the end (Raft error state, did not recover): " + result.stoppedReplicas());
        System.out.println("recovery time per nemesis (ms)\n" + org.raftchat.chaos.checker.Recovery.table(result.recovery()));
        assertThat(imageIds()).as("images after the run (none pulled)").isEqualTo(imagesBefore);
        assertThat(result.verdict().counts().get("acknowledged")).as("acknowledged writes").isPositive();
        assertThat(result.failedInjections()).as("faults that could not be injected, so were not tested").isEmpty();
        assertThat(result.verdict().anomalies()).as("anomalies (replay with -Dchaos.seed=%d; report %s)", seed, result.report())
                .isEmpty();
    }

    private static Set<String> imageIds() {
        return DockerClientFactory.instance().client().listImagesCmd().withShowAll(true).exec().stream()
                .map(Image::getId).collect(Collectors.toSet());
    }
}
