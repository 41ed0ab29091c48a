package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.code;
import static org.raftchat.node.testing.Api.createRoom;
import static org.raftchat.node.testing.Api.post;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.proto.v1.AdminServiceGrpc;
import org.raftchat.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.MembershipRequest;

class MembershipIT {

    @TempDir
    Path dataRoot;
    TestCluster cluster;
    ManagedChannel adminChannel;

    @BeforeEach
    void startCluster() {
        cluster = TestCluster.start(3, dataRoot);
    }

    @AfterEach
    void stopCluster() {
        if (adminChannel != null) {
            adminChannel.shutdownNow();
        }
        cluster.close();
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
    void membershipChangesAreRefusedOffTheLeaderAndForUnknownNodes() {
        // Goal: a follower points at the leader; an id outside the cluster file is NOT_FOUND; nothing changes.
        RaftChatNode follower = cluster.followers().get(0);
        Throwable offLeader = catchThrowable(() -> admin(follower.id()).removeNode(request(follower.id())));
        assertThat(code(offLeader)).isEqualTo(Status.Code.FAILED_PRECONDITION);

        Throwable unknown = catchThrowable(() -> admin(cluster.awaitLeader().id()).removeNode(request("n9")));
        assertThat(code(unknown)).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(unknown).hasMessageContaining("not in the cluster file");
    }

    private AdminServiceBlockingStub admin(String nodeId) {
        if (adminChannel != null) {
            adminChannel.shutdownNow();
        }
        adminChannel = ManagedChannelBuilder.forTarget(cluster.apiAddress(nodeId)).usePlaintext().build();
        return AdminServiceGrpc.newBlockingStub(adminChannel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static MembershipRequest request(String nodeId) {
        return MembershipRequest.newBuilder().setNodeId(nodeId).build();
    }
}
