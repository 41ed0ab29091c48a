package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.code;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.config.Limits;
import org.raftchat.node.testing.Heartbeats;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.Friend;
import org.raftchat.proto.v1.FriendRequest;
import org.raftchat.proto.v1.HeartbeatRequest;
import org.raftchat.proto.v1.ListFriendsRequest;
import org.raftchat.proto.v1.ListOnlineRequest;

/** Presence decided by the leader's ticks, and friends with their online state, on a 3-node cluster. */
class PresenceAndFriendsIT {

    private static final int PRESENCE_TIMEOUT_MS = 2_000;

    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3, Limits.defaults().withPresenceTimeoutMs(PRESENCE_TIMEOUT_MS));

    @Test
    void aSessionThatStopsHeartbeatingGoesOfflineOnEveryNodeAndFriendsSeeIt() {
        // Goal: alice heartbeats, bob does not; after the timeout every node lists only alice online,
        // and alice's friend list shows bob offline, then online again once he heartbeats.
        TestSession alice = new TestSession(cluster, "alice");
        TestSession bob = new TestSession(cluster, "bob");
        alice.token();
        bob.token();
        ChatServiceBlockingStub aliceOnFollower = cluster.anonymousStub(cluster.followers().get(0).id()).withCallCredentials(alice);
        leader(alice).addFriend(FriendRequest.newBuilder().setIdempotencyKey("f1").setFriend("bob").build());
        assertThat(code(catchThrowable(() -> leader(alice).addFriend(FriendRequest.newBuilder().setIdempotencyKey("f2")
                .setFriend("nobody").build())))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(aliceOnFollower.listFriends(ListFriendsRequest.getDefaultInstance()).getFriendsList())
                .extracting(Friend::getUsername, Friend::getOnline).containsExactly(org.assertj.core.groups.Tuple.tuple("bob", true));

        try (Heartbeats ignored = Heartbeats.keepOnline(cluster, List.of(alice), Duration.ofMillis(PRESENCE_TIMEOUT_MS / 4))) {

            for (String id : cluster.config().nodes().stream().map(n -> n.id()).toList()) {
                ChatServiceBlockingStub stub = cluster.anonymousStub(id).withCallCredentials(alice);
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        stub.listOnline(ListOnlineRequest.getDefaultInstance()).getUsersList().equals(List.of("alice")));
            }
            assertThat(aliceOnFollower.listFriends(ListFriendsRequest.getDefaultInstance()).getFriends(0).getOnline()).isFalse();

            leader(bob).heartbeat(HeartbeatRequest.getDefaultInstance());
            assertThat(aliceOnFollower.listFriends(ListFriendsRequest.getDefaultInstance()).getFriends(0).getOnline()).isTrue();
        }
    }

    @Test
    void heartbeatsOfAnOnlineSessionRideOnThePresenceTicks() throws InterruptedException {
        // Goal: a heartbeat of an online session costs no log entry of its own: the leader answers it and
        // its next tick records it, so the session stays online while the log grows by ticks only.
        TestSession alice = new TestSession(cluster, "alice");
        alice.token();
        ChatServiceBlockingStub aliceOnLeader = leader(alice);
        RaftChatNode leader = cluster.awaitLeader();
        long applied = leader.appliedIndex();
        int beats = 0;
        long endNanos = System.nanoTime() + Duration.ofMillis(2L * PRESENCE_TIMEOUT_MS).toNanos();
        while (System.nanoTime() < endNanos) {
            aliceOnLeader.heartbeat(HeartbeatRequest.getDefaultInstance());
            beats++;
            Thread.sleep(10);
        }

        assertThat(aliceOnLeader.listOnline(ListOnlineRequest.getDefaultInstance()).getUsersList()).containsExactly("alice");
        // A tick every sixth of the timeout: about a dozen entries in two timeouts, whatever the heartbeat rate.
        assertThat(leader.appliedIndex() - applied).as("entries for %d heartbeats", beats).isLessThan(Math.min(20, beats / 4));
    }

    @Test
    void anIdleClusterWritesNoPresenceTicks() {
        // Goal: the leader ticks only when a tick would take a session offline, so an idle log stays still.
        TestSession alice = new TestSession(cluster, "alice");
        ChatServiceBlockingStub aliceOnLeader = leader(alice);
        await().atMost(Duration.ofSeconds(20)).until(() -> aliceOnLeader.listOnline(ListOnlineRequest.getDefaultInstance())
                .getUsersList().isEmpty());
        RaftChatNode leader = cluster.awaitLeader();
        long applied = leader.appliedIndex();
        // Six tick periods and more: before, each one appended an entry.
        await().during(Duration.ofMillis(PRESENCE_TIMEOUT_MS)).atMost(Duration.ofMillis(3L * PRESENCE_TIMEOUT_MS))
                .until(() -> leader.appliedIndex() == applied);
    }

    private ChatServiceBlockingStub leader(TestSession session) {
        return cluster.anonymousStub(cluster.awaitLeader().id()).withCallCredentials(session);
    }
}
