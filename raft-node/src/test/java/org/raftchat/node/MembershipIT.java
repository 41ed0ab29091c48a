package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.code;
import static org.raftchat.node.testing.Api.createRoom;
import static org.raftchat.node.testing.Api.post;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.PreconditionFailure;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.raftchat.node.testing.BackgroundWriter;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ClusterStatusRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.MembershipRequest;

class MembershipIT {

    @TempDir
    Path dataRoot;
    TestCluster cluster;

    @BeforeEach
    void startCluster(org.junit.jupiter.api.TestInfo test) {
        if (!test.getTags().contains("five")) {
            cluster = TestCluster.start(3, dataRoot);
        }
    }

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRemovedNodeMissesWritesAndCatchesUpWhenAddedBack() {
        // Goal: remove a follower while writing; the remaining two commit alone; adding it back brings it level.
        RaftChatNode leader = cluster.awaitLeader();
        ChatServiceBlockingStub chat = cluster.blockingStub(leader.id());
        createRoom(chat, "lobby");
        RaftChatNode follower = cluster.followers().get(0);

        assertThat(admin(leader.id()).removeNode(request(follower.id())).getMembersList()).doesNotContain(follower.id()).hasSize(2);
        long appliedWhenRemoved = follower.appliedIndex();
        for (int i = 1; i <= 20; i++) {
            post(chat, "lobby", "while removed " + i);
        }
        assertThat(follower.appliedIndex()).isEqualTo(appliedWhenRemoved);

        assertThat(admin(leader.id()).removeNode(request(follower.id())).getMembersList())
                .as("a repeated removal is answered, not refused").hasSize(2);
        assertThat(admin(leader.id()).addNode(request(follower.id())).getMembersList()).contains(follower.id()).hasSize(3);
        cluster.awaitConverged();
        assertThat(allMessages(cluster.blockingStub(follower.id()), "lobby")).hasSize(20).isEqualTo(allMessages(chat, "lobby"));
        assertThat(follower.stateDigest()).isEqualTo(leader.stateDigest());
    }

    @Test
    void aFollowerRemovedAndAddedBackOnAnIdleClusterIsAnsweredEveryTime() {
        // Goal: with no writes going on, re-adding a follower that is already level is answered each
        // time. (SOFAJRaft registers its wait for the new peer to catch up after the peer's first answers
        // may have arrived; without an entry after it, the wait ended only with the next write. The race
        // is narrow, hence the rounds: before the fix about one add in 40 hung here.)
        RaftChatNode leader = cluster.awaitLeader();
        createRoom(cluster.blockingStub(leader.id()), "lobby");
        String follower = cluster.followers().get(0).id();
        for (int round = 1; round <= 40; round++) {
            assertThat(admin(leader.id()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .removeNode(request(follower)).getMembersList()).as("round %d", round).hasSize(2);
            assertThat(admin(leader.id()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .addNode(request(follower)).getMembersList()).as("round %d", round).hasSize(3);
        }
        post(cluster.blockingStub(leader.id()), "lobby", "after 40 rounds");
        cluster.awaitConverged();
        assertThat(cluster.node(follower).stateDigest()).isEqualTo(leader.stateDigest());
    }

    @Test
    void aLeaderThatRemovesItselfAnswersAndTheOthersElectANewLeader() {
        // Goal: removing the leader completes (the answer does not depend on still leading), a new leader
        // is elected among the rest, and writes go on there.
        RaftChatNode leader = cluster.awaitLeader();
        createRoom(cluster.blockingStub(leader.id()), "lobby");

        assertThat(admin(leader.id()).removeNode(request(leader.id())).getMembersList()).doesNotContain(leader.id()).hasSize(2);

        RaftChatNode newLeader = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(cluster::awaitLeader, n -> !n.id().equals(leader.id()));
        post(cluster.blockingStub(newLeader.id()), "lobby", "after the leader left");
        assertThat(admin(newLeader.id()).addNode(request(leader.id())).getMembersList()).hasSize(3);
    }

    @Test
    void aRemovalThatWouldLeaveNoReachableMajorityIsRefusedAndChangesNothing() {
        // Goal: with one of three nodes down, removing the healthy follower would leave the leader and the
        // down node: the change could never commit, and the cluster would have no leader until that node
        // came back. It is refused with a QUORUM precondition failure, and nothing changes: the same
        // leader, three members, writes commit. Removing the down node instead is allowed.
        RaftChatNode leader = cluster.awaitLeader();
        ChatServiceBlockingStub chat = cluster.blockingStub(leader.id());
        createRoom(chat, "lobby");
        String down = cluster.followers().get(0).id();
        String healthy = cluster.followers().get(1).id();
        cluster.stopNode(down);
        String downAddress = cluster.config().node(down).orElseThrow().raftAddress();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> leader.raftNode().listAlivePeers().stream()
                .noneMatch(peer -> peer.getEndpoint().toString().equals(downAddress)));

        Throwable refused = catchThrowable(() -> admin(leader.id()).removeNode(request(healthy)));
        assertThat(code(refused)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(refused).hasMessageContaining("cannot remove node " + healthy + " now")
                .hasMessageContaining("hears from only 1 (" + leader.id() + ")");
        assertThat(violationTypes(refused)).containsExactly(GrpcErrors.QUORUM_VIOLATION);
        assertThat(onLeader(admin -> admin.clusterStatus(ClusterStatusRequest.getDefaultInstance())).getMembersList())
                .hasSize(3);
        post(chat, "lobby", "after the refused removal");
        assertThat(cluster.awaitLeader().id()).isEqualTo(leader.id());

        assertThat(admin(leader.id()).removeNode(request(down)).getMembersList()).containsExactlyInAnyOrder(leader.id(), healthy);
        post(chat, "lobby", "after removing the down node");
    }

    private static List<String> violationTypes(Throwable error) {
        com.google.rpc.Status status = StatusProto.fromThrowable(error);
        assertThat(status).as("a rich status").isNotNull();
        return status.getDetailsList().stream().filter(any -> any.is(PreconditionFailure.class))
                .flatMap(any -> unpack(any).getViolationsList().stream())
                .map(PreconditionFailure.Violation::getType).toList();
    }

    private static PreconditionFailure unpack(Any any) {
        try {
            return any.unpack(PreconditionFailure.class);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void membershipChangesAreRefusedOffTheLeaderAndForUnknownNodes() {
        // Goal: a follower points at the leader; an id outside the cluster file is NOT_FOUND; nothing changes.
        RaftChatNode follower = cluster.followers().get(0);
        Throwable offLeader = catchThrowable(() -> admin(follower.id()).removeNode(request(follower.id())));
        assertThat(code(offLeader)).isEqualTo(Status.Code.FAILED_PRECONDITION);

        Throwable unknown = catchThrowable(() -> admin(cluster.awaitLeader().id()).removeNode(request("n9")));
        assertThat(code(unknown)).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(unknown).hasMessageContaining("not in the cluster file");
    }

    @Test
    void aRemovedNodeRefusesWritesAndSaysWhy() {
        // Goal: a node outside the configuration does not answer "retry shortly" forever: it says it was removed.
        RaftChatNode leader = cluster.awaitLeader();
        createRoom(cluster.blockingStub(leader.id()), "lobby");
        RaftChatNode removed = cluster.followers().get(0);
        admin(leader.id()).removeNode(request(removed.id()));

        Throwable refused = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> catchThrowable(() -> post(cluster.failFastStub(removed.id()), "lobby", "to a removed node")),
                t -> t != null && t.getMessage().contains("removed from the cluster"));
        assertThat(code(refused)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        // A session opened after the removal is unknown there: the node still says why, not "cannot read".
        TestSession latecomer = new TestSession(cluster, "latecomer");
        latecomer.token();
        assertThat(catchThrowable(() -> post(cluster.failFastStub(removed.id()).withCallCredentials(latecomer), "lobby", "late")))
                .hasMessageContaining("removed from the cluster");
        assertThat(allMessages(cluster.blockingStub(leader.id()), "lobby")).isEmpty();

        admin(leader.id()).addNode(request(removed.id()));
        cluster.awaitConverged();
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                catchThrowable(() -> post(cluster.failFastStub(removed.id()), "lobby", "x"))).hasMessageNotContaining("removed"));
    }

    @Test
    @org.junit.jupiter.api.Tag("five")
    void growingThreeToFiveAndShrinkingBackToThreeWhileClientsWriteLosesNothing() throws Exception {
        // Goal: two new nodes (outside initialMembers) join by catching up while writes go on; then two of
        // the original nodes leave. Every acknowledged write is in every remaining replica, exactly once,
        // and the remaining replicas hold the same state.
        cluster = TestCluster.create(5, dataRoot, c -> c.withInitialMembers(List.of("n1", "n2", "n3")));
        List.of("n1", "n2", "n3").forEach(cluster::startNode);
        createRoom(cluster.blockingStub(cluster.awaitLeader().id()), "lobby");
        BackgroundWriter writer = BackgroundWriter.start(cluster, "lobby", 2);
        writer.awaitMoreAcks(30);

        for (String id : List.of("n4", "n5")) {
            cluster.startNode(id);
            assertThat(onLeader(admin -> admin.addNode(request(id))).getMembersList()).contains(id);
            writer.awaitMoreAcks(20);
        }
        assertThat(onLeader(admin -> admin.clusterStatus(ClusterStatusRequest.getDefaultInstance())).getMembersList())
                .containsExactly("n1", "n2", "n3", "n4", "n5");

        List<String> leaving = cluster.followers().stream().map(RaftChatNode::id)
                .filter(id -> List.of("n1", "n2", "n3").contains(id)).limit(2).toList();
        for (String id : leaving) {
            assertThat(onLeader(admin -> admin.removeNode(request(id))).getMembersList()).doesNotContain(id);
            writer.awaitMoreAcks(20);
        }
        writer.stop();

        for (String id : leaving) {
            assertThat(catchThrowable(() -> post(cluster.failFastStub(id), "lobby", "late")))
                    .hasMessageContaining("removed from the cluster");
            cluster.stopNode(id);
        }
        cluster.awaitConverged();
        RaftChatNode leader = cluster.awaitLeader();
        List<ChatMessage> history = allMessages(cluster.blockingStub(leader.id()), "lobby");
        writer.assertHoldsEveryAckOnce(history);
        for (RaftChatNode n : cluster.runningNodes()) {
            assertThat(n.stateDigest()).as("state of %s", n.id()).isEqualTo(leader.stateDigest());
        }
        assertThat(cluster.admin(leader.id()).clusterStatus(ClusterStatusRequest.getDefaultInstance()).getMembersList())
                .hasSize(3).doesNotContainAnyElementsOf(leaving);
    }

    /** Runs an admin call on whoever leads, again on the next leader if leadership moves meanwhile. */
    private <T> T onLeader(Function<AdminServiceBlockingStub, T> call) {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> call.apply(admin(cluster.awaitLeader().id())), r -> true);
    }

    private AdminServiceBlockingStub admin(String nodeId) {
        return cluster.admin(nodeId);
    }

    private static MembershipRequest request(String nodeId) {
        return MembershipRequest.newBuilder().setNodeId(nodeId).build();
    }
}
