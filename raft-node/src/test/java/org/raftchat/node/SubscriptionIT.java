package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.createRoom;
import static org.raftchat.node.testing.Api.post;
import static org.raftchat.node.testing.Api.room;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.node.testing.StreamRecorder;
import org.raftchat.node.testing.Api;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.LeaveRoomRequest;
import org.raftchat.proto.v1.LogoutRequest;
import org.raftchat.proto.v1.SubscribeRequest;

class SubscriptionIT {

    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3);
    ChatServiceBlockingStub leader;

    @BeforeEach
    void createLobby() {
        leader = cluster.blockingStub(cluster.awaitLeader().id());
        createRoom(leader, "lobby");
    }

    @Test
    void aSubscriberOnAFollowerGetsEveryMessageAndResumesOnAnotherNodeWithoutGapOrDuplicate() {
        // Goal: the stream from a follower is complete and ordered; when that follower stops, resuming on
        // another node from the last seen seq continues exactly where it left off.
        List<RaftChatNode> followers = cluster.followers();
        StreamRecorder first = subscribe(followers.get(0).id(), 0);
        for (int i = 1; i <= 30; i++) {
            post(leader, "lobby", "m" + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> first.messages.size() == 30);

        cluster.stopNode(followers.get(0).id());
        await().atMost(Duration.ofSeconds(10)).until(() -> first.error.get() != null);
        assertThat(Status.fromThrowable(first.error.get()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        for (int i = 31; i <= 60; i++) {
            post(leader, "lobby", "m" + i);
        }
        long lastSeen = first.messages.get(first.messages.size() - 1).getSeq();
        StreamRecorder resumed = subscribe(followers.get(1).id(), lastSeen);
        for (int i = 61; i <= 70; i++) {
            post(leader, "lobby", "m" + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> resumed.messages.size() == 40);

        List<ChatMessage> all = new java.util.ArrayList<>(first.messages);
        all.addAll(resumed.messages);
        assertThat(all).extracting(ChatMessage::getSeq).containsExactlyElementsOf(LongStream.rangeClosed(1, 70).boxed().toList());
        assertThat(all).extracting(ChatMessage::getText).containsExactlyElementsOf(
                LongStream.rangeClosed(1, 70).mapToObj(i -> "m" + i).toList());
    }

    @Test
    void aSubscriptionBackfillsFromItsSequenceThenGoesLive() {
        // Goal: after_seq selects where the stream starts; history and live messages join without a seam.
        for (int i = 1; i <= 10; i++) {
            post(leader, "lobby", "m" + i);
        }
        StreamRecorder sub = subscribe(cluster.followers().get(1).id(), 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> sub.messages.size() == 6);
        post(leader, "lobby", "m11");
        await().atMost(Duration.ofSeconds(10)).until(() -> sub.messages.size() == 7);

        assertThat(sub.messages).extracting(ChatMessage::getSeq).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L);
    }

    @Test
    void subscribingToAnUnknownRoomIsNotFound() {
        // Goal: a typo in a room name is an error, not a silent empty stream.
        StreamRecorder sub = new StreamRecorder();
        cluster.asyncStub(cluster.followers().get(0).id())
                .subscribe(SubscribeRequest.newBuilder().setConversation(room("nowhere")).build(), sub);
        await().atMost(Duration.ofSeconds(10)).until(() -> sub.error.get() != null);
        assertThat(Status.fromThrowable(sub.error.get()).getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void aStreamEndsWhenItsReaderLeavesTheRoomOrLogsOut() {
        // Goal: an open stream is not a way around membership or logout: what follows is not sent.
        TestSession bob = new TestSession(cluster, "bob");
        ChatServiceBlockingStub bobOnLeader = cluster.anonymousStub(cluster.awaitLeader().id()).withCallCredentials(bob);
        String follower = cluster.followers().get(0).id();
        Api.join(bobOnLeader, "lobby");
        StreamRecorder sub = new StreamRecorder();
        cluster.asyncStub(follower).withCallCredentials(bob)
                .subscribe(SubscribeRequest.newBuilder().setConversation(room("lobby")).build(), sub);
        post(leader, "lobby", "while bob is in");
        await().atMost(Duration.ofSeconds(10)).until(() -> sub.messages.size() == 1);
        bobOnLeader.leaveRoom(LeaveRoomRequest.newBuilder().setIdempotencyKey("bob-leaves").setRoom("lobby").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> sub.error.get() != null);
        assertThat(Status.fromThrowable(sub.error.get()).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        post(leader, "lobby", "after bob left");
        assertThat(sub.messages).extracting(ChatMessage::getText).containsExactly("while bob is in");

        Api.join(bobOnLeader, "lobby");
        StreamRecorder again = new StreamRecorder();
        cluster.asyncStub(follower).withCallCredentials(bob)
                .subscribe(SubscribeRequest.newBuilder().setConversation(room("lobby")).setAfterSeq(2).build(), again);
        post(leader, "lobby", "bob is back");
        await().atMost(Duration.ofSeconds(10)).until(() -> again.messages.size() == 1);
        bobOnLeader.logout(LogoutRequest.newBuilder().setIdempotencyKey("bob-logs-out").build());
        post(leader, "lobby", "after bob logged out");
        await().atMost(Duration.ofSeconds(10)).until(() -> again.error.get() != null);
        assertThat(Status.fromThrowable(again.error.get()).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(again.messages).extracting(ChatMessage::getText).containsExactly("bob is back");
    }

    private StreamRecorder subscribe(String nodeId, long afterSeq) {
        StreamRecorder recorder = new StreamRecorder();
        cluster.asyncStub(nodeId).subscribe(
                SubscribeRequest.newBuilder().setConversation(room("lobby")).setAfterSeq(afterSeq).build(), recorder);
        return recorder;
    }
}
