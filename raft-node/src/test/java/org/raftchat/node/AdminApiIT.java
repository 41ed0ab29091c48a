package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.raftchat.node.testing.Api.code;
import static org.raftchat.node.testing.Api.createRoom;
import static org.raftchat.node.testing.Api.post;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.node.testing.AdminAccess;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.proto.v1.ClusterStatusRequest;
import org.raftchat.proto.v1.ClusterStatusResponse;
import org.raftchat.proto.v1.MembershipRequest;
import org.raftchat.proto.v1.NodeStatus;
import org.raftchat.proto.v1.TransferLeadershipRequest;
import org.raftchat.proto.v1.TransferLeadershipResponse;

/** The admin API: its credential, cluster status gathered from every node, leadership transfer. */
class AdminApiIT {

    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3);
    ManagedChannel channel;

    @AfterEach
    void closeChannel() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    @Test
    void callersWithoutTheAdminTokenAreRefusedAndChangeNothing() {
        // Goal: no token, a wrong token, or a token sent without "Bearer" is UNAUTHENTICATED; the membership stays.
        String leader = cluster.awaitLeader().id();
        channel = ManagedChannelBuilder.forTarget(cluster.apiAddress(leader)).usePlaintext().build();
        MembershipRequest remove = MembershipRequest.newBuilder().setNodeId(cluster.followers().get(0).id()).build();

        for (String token : new String[] {null, "wrong-token-0123456789", cluster.adminToken() + "x"}) {
            Throwable refused = catchThrowable(() -> AdminAccess.stub(channel, token).removeNode(remove));
            assertThat(code(refused)).as("token %s", token).isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        assertThat(catchThrowable(() -> AdminAccess.stub(channel, null).clusterStatus(ClusterStatusRequest.getDefaultInstance())))
                .hasMessageContaining("admin token");
        assertThat(cluster.admin(leader).clusterStatus(ClusterStatusRequest.getDefaultInstance()).getMembersList())
                .containsExactly("n1", "n2", "n3");
    }

    @Test
    void statusFromAFollowerCoversEveryNodeAndReportsADownNodeAsDown() {
        // Goal: any node gathers every node's status; a stopped node is "down", not an error of the call.
        RaftChatNode leader = cluster.awaitLeader();
        createRoom(cluster.blockingStub(leader.id()), "lobby");
        post(cluster.blockingStub(leader.id()), "lobby", "hello");
        cluster.awaitConverged();
        List<RaftChatNode> followers = cluster.followers();
        String asked = followers.get(0).id();
        String stopped = followers.get(1).id();
        cluster.stopNode(stopped);

        ClusterStatusResponse status = cluster.admin(asked).clusterStatus(ClusterStatusRequest.newBuilder().setIncludeDigest(true).build());

        assertThat(status.getNodesList()).extracting(NodeStatus::getNodeId).containsExactly("n1", "n2", "n3");
        assertThat(status.getLeaderId()).isEqualTo(leader.id());
        NodeStatus down = byId(status, stopped);
        assertThat(down.getUp()).isFalse();
        assertThat(down.getDownReason()).isNotEmpty();
        NodeStatus leading = byId(status, leader.id());
        assertThat(leading.getRole()).isEqualTo("STATE_LEADER");
        assertThat(leading.getMember()).isTrue();
        assertThat(leading.getAppliedIndex()).isEqualTo(leader.appliedIndex());
        assertThat(leading.getLastLogIndex()).isGreaterThanOrEqualTo(leading.getCommittedIndex());
        assertThat(leading.getFirstLogIndex()).isEqualTo(1);
        NodeStatus follower = byId(status, asked);
        assertThat(follower.getRole()).isEqualTo("STATE_FOLLOWER");
        assertThat(follower.getLeaderId()).isEqualTo(leader.id());
        assertThat(follower.getLag()).isGreaterThanOrEqualTo(0);
        assertThat(follower.getStateDigest()).hasSize(64).isEqualTo(leading.getStateDigest());
    }

    @Test
    void leadershipMovesToTheNamedNodeOrToAnyFollower() {
        // Goal: transfer to a given node makes exactly that node lead; transfer to "any" makes another node lead.
        RaftChatNode leader = cluster.awaitLeader();
        String target = cluster.followers().get(1).id();

        TransferLeadershipResponse moved = cluster.admin(leader.id())
                .transferLeadership(TransferLeadershipRequest.newBuilder().setNodeId(target).build());
        assertThat(moved.getPreviousLeaderId()).isEqualTo(leader.id());
        assertThat(moved.getNewLeaderId()).isEqualTo(target);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cluster.node(target).isLeader());

        TransferLeadershipResponse any = cluster.admin(target).transferLeadership(TransferLeadershipRequest.getDefaultInstance());
        assertThat(any.getNewLeaderId()).isNotEqualTo(target);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cluster.node(any.getNewLeaderId()).isLeader());

        Throwable offLeader = catchThrowable(() -> cluster.admin(target).transferLeadership(TransferLeadershipRequest.getDefaultInstance()));
        assertThat(code(offLeader)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        Throwable unknown = catchThrowable(() -> cluster.admin(any.getNewLeaderId())
                .transferLeadership(TransferLeadershipRequest.newBuilder().setNodeId("n9").build()));
        assertThat(code(unknown)).isEqualTo(Status.Code.NOT_FOUND);
    }

    private static NodeStatus byId(ClusterStatusResponse status, String id) {
        return status.getNodesList().stream().filter(n -> n.getNodeId().equals(id)).findFirst().orElseThrow();
    }
}
