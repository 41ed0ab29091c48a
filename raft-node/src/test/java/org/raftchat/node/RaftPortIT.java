package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.createRoom;
import static org.raftchat.node.testing.Api.post;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.CliServiceImpl;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.CliOptions;
import com.alipay.sofa.jraft.rpc.CliRequests.RemovePeerRequest;
import com.alipay.sofa.jraft.rpc.CliRequests.RemovePeerResponse;
import com.alipay.sofa.jraft.rpc.RpcResponseClosureAdapter;
import com.alipay.sofa.jraft.util.Endpoint;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.config.NodeSpec;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.proto.v1.ClusterStatusRequest;
import org.raftchat.proto.v1.MembershipRequest;
import org.raftchat.proto.v1.TransferLeadershipRequest;
import org.raftchat.proto.v1.TriggerSnapshotRequest;

/**
 * The Raft port serves peers and nothing else: SOFAJRaft's CLI service (which has no credential)
 * is refused, and the Raft and metrics ports listen on the configured host only.
 */
class RaftPortIT {

    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3);
    CliServiceImpl cli;

    @BeforeEach
    void startCli() {
        CliOptions options = new CliOptions();
        options.setTimeoutMs(2_000);
        options.setMaxRetry(1);
        cli = new CliServiceImpl();
        assertThat(cli.init(options)).isTrue();
    }

    @AfterEach
    void stopCli() {
        cli.shutdown();
    }

    @Test
    void sofaJRaftsCliServiceCannotChangeTheClusterButTheAdminApiStillCan() throws Exception {
        // Goal: removePeer/getPeers/snapshot through SOFAJRaft's own CliService fail and change nothing;
        // replication, leader transfer, snapshots and membership changes through the admin API still work.
        RaftChatNode leader = cluster.awaitLeader();
        createRoom(cluster.blockingStub(leader.id()), "lobby");
        String groupId = cluster.config().groupId();
        Configuration conf = new Configuration();
        assertThat(conf.parse(cluster.config().initialRaftConfiguration())).isTrue();
        PeerId follower = PeerId.parsePeer(raftAddress(cluster.followers().get(0).id()));
        PeerId leaderPeer = PeerId.parsePeer(raftAddress(leader.id()));

        Status removed = cli.removePeer(groupId, conf, follower);
        assertThat(removed.isOk()).as("CliService.removePeer: %s", removed).isFalse();
        Throwable peers = catchThrowable(() -> cli.getPeers(groupId, conf));
        assertThat(peers).as("CliService.getPeers").isNotNull();
        Status snapshot = cli.snapshot(groupId, leaderPeer);
        assertThat(snapshot.isOk()).as("CliService.snapshot: %s", snapshot).isFalse();
        assertThat(leader.snapshotIndex()).isZero();
        // Straight at the leader's Raft port, skipping the CLI's leader lookup: still refused.
        assertThat(removeByRawRequest(groupId, leaderPeer.getEndpoint(), follower).isOk()).isFalse();

        assertThat(members(leader.id())).containsExactly("n1", "n2", "n3");
        post(cluster.blockingStub(leader.id()), "lobby", "still replicated");
        cluster.awaitConverged();
        assertThat(allMessages(cluster.blockingStub(followerId(follower)), "lobby")).hasSize(1);

        // The admin API (with its token) still does all of it.
        cluster.admin(leader.id()).triggerSnapshot(TriggerSnapshotRequest.newBuilder().setNodeId(leader.id()).build());
        assertThat(leader.snapshotIndex()).isPositive();
        String removedId = followerId(follower);
        assertThat(cluster.admin(leader.id()).removeNode(MembershipRequest.newBuilder().setNodeId(removedId).build())
                .getMembersList()).containsExactlyInAnyOrder(otherIds(removedId));
        assertThat(cluster.admin(leader.id()).addNode(MembershipRequest.newBuilder().setNodeId(removedId).build())
                .getMembersList()).containsExactlyInAnyOrder("n1", "n2", "n3");
        String target = cluster.followers().get(0).id();
        assertThat(cluster.admin(leader.id()).transferLeadership(TransferLeadershipRequest.newBuilder().setNodeId(target).build())
                .getNewLeaderId()).isEqualTo(target);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cluster.node(target).isLeader());
        post(cluster.blockingStub(target), "lobby", "after the transfer");
    }

    @Test
    void theRaftAndMetricsPortsListenOnTheConfiguredHostOnly() throws IOException {
        // Goal: every node is configured on 127.0.0.1; another loopback address (127.0.0.2) reaches
        // no port of it, where a wildcard bind would accept the connection.
        for (NodeSpec node : cluster.config().nodes()) {
            for (int port : List.of(node.raftPort(), node.metricsPort(), node.apiPort())) {
                try (Socket reachable = new Socket()) {
                    reachable.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                }
                Throwable elsewhere = catchThrowable(() -> {
                    try (Socket other = new Socket()) {
                        other.connect(new InetSocketAddress("127.0.0.2", port), 2_000);
                    }
                });
                assertThat(elsewhere).as("%s port %d on 127.0.0.2", node.id(), port).isInstanceOf(ConnectException.class);
            }
        }
    }

    private Status removeByRawRequest(String groupId, Endpoint leader, PeerId peer) throws Exception {
        CompletableFuture<Status> answer = new CompletableFuture<>();
        cli.getCliClientService().removePeer(leader,
                RemovePeerRequest.newBuilder().setGroupId(groupId).setLeaderId(leader.toString()).setPeerId(peer.toString()).build(),
                new RpcResponseClosureAdapter<RemovePeerResponse>() {
                    @Override
                    public void run(Status status) {
                        answer.complete(status);
                    }
                });
        return answer.get(10, TimeUnit.SECONDS);
    }

    private List<String> members(String id) {
        return cluster.admin(id).clusterStatus(ClusterStatusRequest.getDefaultInstance()).getMembersList();
    }

    private String raftAddress(String id) {
        return cluster.config().node(id).orElseThrow().raftAddress();
    }

    private String followerId(PeerId peer) {
        return cluster.config().nodeByRaftAddress(peer.getEndpoint().toString()).orElseThrow().id();
    }

    private String[] otherIds(String id) {
        return cluster.config().nodes().stream().map(NodeSpec::id).filter(n -> !n.equals(id)).toArray(String[]::new);
    }
}
