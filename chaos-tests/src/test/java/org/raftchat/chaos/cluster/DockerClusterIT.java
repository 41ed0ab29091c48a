package org.raftchat.chaos.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Network.Ipam;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/** The cluster's housekeeping against the real engine (profile {@code chaos}): no leftovers, no pulls. */
class DockerClusterIT {

    private final DockerClient docker = DockerClientFactory.instance().client();

    @Test
    void aRunRemovesTheNetworksAndContainersAnEarlierRunLeftBehind() {
        // Goal: a run that died before closing its cluster does not make the next one fail with
        // "Pool overlaps with other one on this address space".
        String leftoverNetwork = docker.createNetworkCmd().withName("raftchat-chaos-leftover-" + System.nanoTime())
                .withLabels(Map.of(DockerCluster.RUN_LABEL, "network"))
                .withIpam(new Ipam().withConfig(new Ipam.Config().withSubnet("172.29.251.0/24")))
                .exec().getId();
        String leftoverContainer = docker.createContainerCmd(DockerCluster.DEFAULT_IMAGE).withCmd("sleep", "600")
                .withLabels(Map.of(DockerCluster.RUN_LABEL, "node")).exec().getId();
        docker.connectToNetworkCmd().withNetworkId(leftoverNetwork).withContainerId(leftoverContainer).exec();

        DockerCluster.removeLeftovers();

        assertThat(docker.listNetworksCmd().withFilter("label", List.of(DockerCluster.RUN_LABEL)).exec()).isEmpty();
        assertThat(docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(DockerCluster.RUN_LABEL)).exec()).isEmpty();
    }

    @Test
    void aSubnetTakenByAForeignNetworkIsRedrawnNotFatal() {
        // Goal: a network that is not ours (so not removed) holding the drawn subnet only moves the run elsewhere.
        Random seeded = new Random(7);
        String drawn = "172.29." + (1 + new Random(7).nextInt(250)) + ".0/24";
        String foreign = docker.createNetworkCmd().withName("not-raftchat-" + System.nanoTime())
                .withIpam(new Ipam().withConfig(new Ipam.Config().withSubnet(drawn))).exec().getId();
        try (DockerCluster cluster = DockerCluster.start(1, DockerCluster.DEFAULT_IMAGE, seeded)) {
            assertThat(cluster.ip("n1")).doesNotStartWith(drawn.substring(0, drawn.length() - "0/24".length()));
            assertThat(cluster.leader()).contains("n1");
        } finally {
            docker.removeNetworkCmd(foreign).exec();
        }
        assertThat(docker.listNetworksCmd().withFilter("label", List.of(DockerCluster.RUN_LABEL)).exec())
                .as("the closed cluster's network").isEmpty();
    }
}
