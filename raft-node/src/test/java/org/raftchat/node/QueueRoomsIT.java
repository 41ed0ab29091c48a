package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.code;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.config.Limits;
import org.raftchat.node.testing.Api;
import org.raftchat.node.testing.Heartbeats;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.AckQueueMessageRequest;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.ConsumeRequest;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.GetQueueStatusRequest;
import org.raftchat.proto.v1.QueueConsumerStatus;
import org.raftchat.proto.v1.QueueDelivery;
import org.raftchat.proto.v1.QueueStatus;
import org.raftchat.proto.v1.ReceiveQueueRequest;
import org.raftchat.proto.v1.ReceiveQueueResponse;

/**
 * Work-queue rooms on a 3-node cluster through the public API: each post to a queue goes to exactly
 * one consuming session, round-robin while every consumer has room (prefetch, waiting messages and
 * ack timeouts: {@link QueueFairnessIT}); every node agrees on who holds what, also after the leader
 * dies; acks are the holder's only; a consumer that goes silent hands its unacked messages on.
 */
class QueueRoomsIT {

    private static final int PRESENCE_TIMEOUT_MS = 2_000;
    private static final int POSTS = 30;

    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3, Limits.defaults().withPresenceTimeoutMs(PRESENCE_TIMEOUT_MS));

    @Test
    void eachPostGoesToExactlyOneConsumerRoundRobinAndEveryNodeAgreesAcrossALeaderChange() {
        List<TestSession> consumers = List.of(new TestSession(cluster, "alice"), new TestSession(cluster, "bob"),
                new TestSession(cluster, "carol"));
        TestSession poster = new TestSession(cluster, "dave");
        // Presence times out after 2 s here: the consumers must heartbeat, as real ones do.
        try (Heartbeats ignored = keepOnline(consumers)) {
            postAckAndCheckAgreement(consumers, poster);
        }
    }

    private void postAckAndCheckAgreement(List<TestSession> consumers, TestSession poster) {
        createQueue(consumers.get(0), "jobs");
        for (TestSession session : List.of(consumers.get(1), consumers.get(2), poster)) {
            Api.join(leader(session), "jobs");
        }
        assertThat(code(catchThrowable(() -> leader(poster).startConsuming(consume("general-not-there")))))
                .isEqualTo(Status.Code.NOT_FOUND);
        for (TestSession consumer : consumers) {
            ConsumeRequest request = consume("jobs");
            assertThat(leader(consumer).startConsuming(request).getConsuming()).isTrue();
            // The same request again (a retry) changes nothing.
            assertThat(leader(consumer).startConsuming(request).getConsumerCount()).isEqualTo(consumers.indexOf(consumer) + 1);
        }
        for (int i = 1; i <= POSTS; i++) {
            Api.post(leader(poster), "jobs", "job " + i);
        }

        // Consumers started in order alice, bob, carol: seq s goes to consumer (s - 1) mod 3.
        Map<String, List<Long>> expected = new HashMap<>();
        for (long seq = 1; seq <= POSTS; seq++) {
            expected.computeIfAbsent(consumers.get((int) ((seq - 1) % 3)).username(), u -> new ArrayList<>()).add(seq);
        }
        assertEveryNodeShows(consumers, expected);

        String oldLeader = cluster.awaitLeader().id();
        cluster.stopNode(oldLeader);
        assertEveryNodeShows(consumers, expected);

        TestSession alice = consumers.get(0);
        long bobsSeq = expected.get("bob").get(0);
        assertThat(code(catchThrowable(() -> leader(alice).ackQueueMessage(ack("jobs", bobsSeq)))))
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        for (TestSession consumer : consumers) {
            for (long seq : expected.get(consumer.username())) {
                AckQueueMessageRequest request = ack("jobs", seq);
                leader(consumer).ackQueueMessage(request);
                leader(consumer).ackQueueMessage(request); // a retried ack is answered with the original result
            }
        }
        assertThat(code(catchThrowable(() -> leader(alice).ackQueueMessage(ack("jobs", 1)))))
                .as("acknowledged already").isEqualTo(Status.Code.FAILED_PRECONDITION);
        for (RaftChatNode node : cluster.runningNodes()) {
            ChatServiceBlockingStub stub = cluster.anonymousStub(node.id()).withCallCredentials(alice);
            assertThat(stub.getQueueStatus(GetQueueStatusRequest.newBuilder().setRoom("jobs").build()).getConsumersList())
                    .extracting(QueueConsumerStatus::getInFlight).containsExactly(0, 0, 0);
        }
    }

    @Test
    void theUnackedMessagesOfAConsumerThatGoesSilentGoToAnotherConsumer() {
        TestSession alice = new TestSession(cluster, "alice");
        TestSession bob = new TestSession(cluster, "bob");
        Heartbeats both = keepOnline(List.of(alice, bob));
        createQueue(alice, "jobs");
        Api.join(leader(bob), "jobs");
        leader(alice).startConsuming(consume("jobs"));
        leader(bob).startConsuming(consume("jobs"));
        for (int i = 1; i <= 10; i++) {
            Api.post(leader(alice), "jobs", "job " + i);
        }
        List<Long> bobHeld = receive(leader(bob)).getDeliveriesList().stream().map(d -> d.getMessage().getSeq()).toList();
        assertThat(bobHeld).containsExactly(2L, 4L, 6L, 8L, 10L);
        leader(bob).ackQueueMessage(ack("jobs", 2));
        both.close();

        // alice keeps heartbeating, bob does not: the leader's presence tick ends bob's consumer.
        try (Heartbeats ignored = keepOnline(List.of(alice))) {
            ChatServiceBlockingStub aliceOnFollower = cluster.anonymousStub(cluster.followers().get(0).id()).withCallCredentials(alice);
            await().atMost(Duration.ofSeconds(30)).until(() -> receive(aliceOnFollower).getDeliveriesCount() == 9);
            List<QueueDelivery> aliceHeld = receive(aliceOnFollower).getDeliveriesList();
            assertThat(aliceHeld).extracting(d -> d.getMessage().getSeq()).containsExactly(1L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(aliceHeld).filteredOn(d -> d.getMessage().getSeq() % 2 == 0)
                    .extracting(QueueDelivery::getDeliveryCount).containsOnly(2);
            assertThat(aliceHeld).filteredOn(d -> d.getMessage().getSeq() % 2 == 1)
                    .extracting(QueueDelivery::getDeliveryCount).containsOnly(1);

            ReceiveQueueResponse bobNow = receive(leader(bob));
            assertThat(bobNow.getConsuming()).isFalse();
            assertThat(bobNow.getDeliveriesList()).isEmpty();
            assertThat(code(catchThrowable(() -> leader(bob).ackQueueMessage(ack("jobs", 4)))))
                    .as("handed on to alice").isEqualTo(Status.Code.FAILED_PRECONDITION);
            QueueStatus status = leader(alice).getQueueStatus(GetQueueStatusRequest.newBuilder().setRoom("jobs").build());
            assertThat(status.getConsumersList()).extracting(QueueConsumerStatus::getUsername).containsExactly("alice");
        }
    }

    @Test
    void queueCallsOnAnOrdinaryRoomOrByANonMemberAreRefused() {
        TestSession alice = new TestSession(cluster, "alice");
        TestSession bob = new TestSession(cluster, "bob");
        Api.createRoom(leader(alice), "general");
        createQueue(alice, "jobs");
        assertThat(code(catchThrowable(() -> leader(alice).startConsuming(consume("general")))))
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(code(catchThrowable(() -> receive(leader(alice), "general")))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(code(catchThrowable(() -> leader(bob).startConsuming(consume("jobs"))))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(catchThrowable(() -> receive(leader(bob))))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(catchThrowable(() -> leader(alice).ackQueueMessage(ack("jobs", -1))))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(leader(alice).listRooms(org.raftchat.proto.v1.ListRoomsRequest.getDefaultInstance()).getRoomsList())
                .filteredOn(r -> r.getName().equals("jobs")).singleElement().satisfies(r -> assertThat(r.getQueue()).isTrue());
    }

    /** Heartbeats every session a few times per presence timeout, as clients do. */
    private Heartbeats keepOnline(List<TestSession> sessions) {
        return Heartbeats.keepOnline(cluster, sessions, Duration.ofMillis(PRESENCE_TIMEOUT_MS / 4));
    }

    private void assertEveryNodeShows(List<TestSession> consumers, Map<String, List<Long>> expected) {
        for (RaftChatNode node : cluster.runningNodes()) {
            for (TestSession consumer : consumers) {
                ChatServiceBlockingStub stub = cluster.anonymousStub(node.id()).withCallCredentials(consumer);
                ReceiveQueueResponse held = receive(stub);
                assertThat(held.getConsuming()).isTrue();
                assertThat(held.getDeliveriesList()).as("%s on %s", consumer.username(), node.id())
                        .extracting(d -> d.getMessage().getSeq()).containsExactlyElementsOf(expected.get(consumer.username()));
            }
        }
        assertThat(expected.values().stream().flatMap(List::stream).sorted())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, POSTS).boxed().toList());
    }

    private void createQueue(TestSession owner, String room) {
        leader(owner).createRoom(CreateRoomRequest.newBuilder().setIdempotencyKey("create-" + room).setRoom(room)
                .setDescription("work").setQueue(true).build());
    }

    private static ReceiveQueueResponse receive(ChatServiceBlockingStub stub) {
        return receive(stub, "jobs");
    }

    private static ReceiveQueueResponse receive(ChatServiceBlockingStub stub, String room) {
        return stub.receiveQueue(ReceiveQueueRequest.newBuilder().setRoom(room).setLimit(1000).build());
    }

    /** With a prefetch above what any test posts, every consumer always has room: plain round-robin. */
    private static ConsumeRequest consume(String room) {
        return ConsumeRequest.newBuilder().setIdempotencyKey(java.util.UUID.randomUUID().toString()).setRoom(room)
                .setPrefetch(100).build();
    }

    private static AckQueueMessageRequest ack(String room, long seq) {
        return AckQueueMessageRequest.newBuilder().setIdempotencyKey(java.util.UUID.randomUUID().toString())
                .setRoom(room).setSeq(seq).build();
    }

    private ChatServiceBlockingStub leader(TestSession session) {
        return cluster.anonymousStub(cluster.awaitLeader().id()).withCallCredentials(session);
    }
}
