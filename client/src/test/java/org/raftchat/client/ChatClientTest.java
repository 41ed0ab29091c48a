package org.raftchat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ReadHistoryResponse;

class ChatClientTest {

    private final FakeCluster cluster = new FakeCluster(2);
    private final FakeNode leader = cluster.node(0);
    private final FakeNode follower = cluster.node(1);

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    @Test
    void writeOnAFollowerIsRedirectedToTheLeaderItNames() {
        // Goal: a NotLeader answer sends the same request to the named leader, which is then used directly.
        cluster.chat.createRoom("general");
        try (ChatClient client = cluster.client(List.of(follower.address, leader.address), FakeCluster.FAST)) {
            ChatMessage first = client.postRoomMessage("general", "hello");
            client.postRoomMessage("general", "again");

            assertThat(first.getSeq()).isEqualTo(1);
            assertThat(follower.keysSeen).hasSize(1);
            assertThat(leader.keysSeen).hasSize(2).first().isEqualTo(follower.keysSeen.get(0));
            assertThat(client.believedLeader()).contains(leader.address);
        }
    }

    @Test
    void followerThatKnowsNoLeaderMakesTheClientTryTheNextNode() {
        // Goal: NotLeader without an address is retryable: the client moves on and finds the leader itself.
        follower.redirectTo = "";
        cluster.chat.createRoom("general");
        try (ChatClient client = cluster.client(List.of(follower.address, leader.address), FakeCluster.FAST)) {
            assertThat(client.postRoomMessage("general", "hi").getSeq()).isEqualTo(1);
            assertThat(client.believedLeader()).contains(leader.address);
        }
    }

    @Test
    void unavailableWriteIsRetriedWithTheSameIdempotencyKeyAndStoredOnce() {
        // Goal: an unknown outcome (UNAVAILABLE) is retried with the SAME key, so the message is stored once.
        cluster.chat.createRoom("general");
        leader.writeFailures.add(Status.UNAVAILABLE.withDescription("outcome unknown (commit not confirmed)"));
        leader.writeFailures.add(Status.DEADLINE_EXCEEDED);
        try (ChatClient client = cluster.client(List.of(leader.address), FakeCluster.FAST)) {
            ChatMessage m = client.postRoomMessage("general", "once");

            assertThat(m.getSeq()).isEqualTo(1);
            assertThat(leader.keysSeen).hasSize(3);
            assertThat(leader.keysSeen.get(1)).isEqualTo(leader.keysSeen.get(0));
            assertThat(leader.keysSeen.get(2)).isEqualTo(leader.keysSeen.get(0));
            assertThat(cluster.chat.all(ConversationRefs.room("general"))).hasSize(1);
        }
    }

    @Test
    void explicitIdempotencyKeyIsSentAsGiven() {
        // Goal: callers that manage their own keys (benchmarks, chaos tests) get exactly that key on the wire.
        try (ChatClient client = cluster.client()) {
            client.createRoom(IdempotencyKey.of("key-1"), "general", "");
            client.createRoom(IdempotencyKey.of("key-1"), "general", ""); // a retry by the caller: same answer

            assertThat(leader.keysSeen).containsExactly("key-1", "key-1");
        }
    }

    @Test
    void busyLeaderIsRetriedAfterBackoffWithoutLeavingIt() {
        // Goal: RESOURCE_EXHAUSTED means "leader busy": back off and retry the leader, do not wander to followers.
        cluster.chat.createRoom("general");
        leader.writeFailures.add(Status.RESOURCE_EXHAUSTED.withDescription("queue full"));
        leader.writeFailures.add(Status.RESOURCE_EXHAUSTED.withDescription("queue full"));
        try (ChatClient client = cluster.client()) {
            assertThat(client.postRoomMessage("general", "hi").getSeq()).isEqualTo(1);
            assertThat(leader.keysSeen).hasSize(3).containsOnly(leader.keysSeen.get(0));
            assertThat(follower.keysSeen).isEmpty();
        }
    }

    @Test
    void limitReachedIsFinalAndNotRetried() {
        // Goal: RESOURCE_EXHAUSTED with a LimitReached detail (an oversized request, a fixed limit) is
        // answered after one attempt: the same request would be refused again.
        cluster.chat.createRoom("general");
        leader.richWriteFailures.add(io.grpc.protobuf.StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE).setMessage("the request is too large")
                .addDetails(com.google.protobuf.Any.pack(org.raftchat.proto.v1.LimitReached.newBuilder()
                        .setDescription("the request is too large").build()))
                .build()));
        try (ChatClient client = cluster.client()) {
            assertThatThrownBy(() -> client.postRoomMessage("general", "hi"))
                    .isInstanceOfSatisfying(ChatClientException.class, e -> assertThat(e.category()).isEqualTo(Category.REJECTED));
            assertThat(leader.keysSeen).hasSize(1);
        }
    }

    @Test
    void requestCutOffByTheTransportSizeLimitIsFinal() {
        // Goal: a request far over the node's limit is refused by grpc-java's transport, which cannot add
        // LimitReached; the client recognises its words and does not send the same bytes again.
        cluster.chat.createRoom("general");
        leader.writeFailures.add(Status.RESOURCE_EXHAUSTED.withDescription("gRPC message exceeds maximum size 262144: 300000"));
        try (ChatClient client = cluster.client()) {
            assertThatThrownBy(() -> client.postRoomMessage("general", "hi"))
                    .isInstanceOfSatisfying(ChatClientException.class, e -> assertThat(e.category()).isEqualTo(Category.REJECTED));
            assertThat(leader.keysSeen).hasSize(1);
        }
    }

    @Test
    void notFoundIsFinalAndNotRetried() {
        // Goal: a business refusal comes back at once with its category and the server's words, after one attempt.
        try (ChatClient client = cluster.client()) {
            assertThatThrownBy(() -> client.postRoomMessage("nowhere", "hi"))
                    .isInstanceOfSatisfying(ChatClientException.class, e -> {
                        assertThat(e.category()).isEqualTo(Category.NOT_FOUND);
                        assertThat(e.getMessage()).contains("room 'nowhere' does not exist");
                    });
            assertThat(leader.keysSeen).hasSize(1);
        }
    }

    @Test
    void alreadyExistsIsFinal() {
        // Goal: ALREADY_EXISTS maps to its own category and is not retried.
        cluster.chat.createRoom("general");
        try (ChatClient client = cluster.client()) {
            assertThatThrownBy(() -> client.createRoom("general", ""))
                    .isInstanceOfSatisfying(ChatClientException.class,
                            e -> assertThat(e.category()).isEqualTo(Category.ALREADY_EXISTS));
            assertThat(leader.keysSeen).hasSize(1);
        }
    }

    @Test
    void spentRetryBudgetReportsUnavailableAndTheKeyToRetryWith() {
        // Goal: when every attempt fails retryably, the client stops at the budget with UNAVAILABLE, one key throughout.
        leader.alwaysFailWrites = Status.UNAVAILABLE.withDescription("outcome unknown (commit not confirmed)");
        ClientOptions options = FakeCluster.FAST.withRetryBudget(Duration.ofSeconds(1));
        try (ChatClient client = cluster.client(cluster.addresses(), options)) {
            client.clusterInfo(leader.address); // warm up, so a cold JVM's first call does not eat the budget
            long startNanos = System.nanoTime();
            assertThatThrownBy(() -> client.createRoom("general", ""))
                    .isInstanceOfSatisfying(ChatClientException.class, e -> {
                        assertThat(e.category()).isEqualTo(Category.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("idempotency key " + leader.keysSeen.get(0));
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(3));
            assertThat(leader.keysSeen.size()).isGreaterThan(1);
            assertThat(leader.keysSeen).containsOnly(leader.keysSeen.get(0));
            assertThat(follower.keysSeen).containsOnly(leader.keysSeen.get(0));
        }
    }

    @Test
    void historyReadFailsOverToTheNextNode() {
        // Goal: reads go to any node; an UNAVAILABLE one is skipped for the next.
        cluster.chat.createRoom("general");
        cluster.chat.append(ConversationRefs.room("general"), "alice", "one");
        cluster.chat.append(ConversationRefs.room("general"), "bob", "two");
        leader.readFailures.add(Status.UNAVAILABLE.withDescription("read barrier timed out"));
        try (ChatClient client = cluster.client()) {
            ReadHistoryResponse page = client.readHistory(ConversationRefs.room("general"), HistoryAnchor.after(1), 10);

            assertThat(page.getMessagesList()).extracting(ChatMessage::getText).containsExactly("two");
            assertThat(page.getLastSeq()).isEqualTo(2);
        }
    }

    @Test
    void unreachableClusterSaysSoAndHowToStartIt() throws IOException {
        // Goal: nothing listening anywhere gives one actionable message naming the addresses.
        String closed = "127.0.0.1:" + FakeCluster.closedPort();
        try (ChatClient client = new ChatClient(List.of(closed), FakeCluster.FAST.withRetryBudget(Duration.ofSeconds(1)))) {
            assertThatThrownBy(() -> client.postRoomMessage("general", "hi"))
                    .isInstanceOfSatisfying(ChatClientException.class, e -> {
                        assertThat(e.category()).isEqualTo(Category.UNAVAILABLE);
                        assertThat(e.getMessage()).startsWith(
                                "no node reachable at " + closed + ": is the cluster running? (./raftchat-dev up)");
                    });
        }
    }

    @Test
    void nodeThatStartsDuringTheRetryBudgetIsReached() throws Exception {
        // Goal: a node that comes up while a write is retrying gets it; gRPC's own reconnect delay must not get in the way.
        int port = FakeCluster.closedPort();
        FakeNode late = new FakeNode("n1", "127.0.0.1:" + port, cluster.chat);
        cluster.chat.createRoom("general");
        ClientOptions patient = FakeCluster.FAST.withRetryBudget(Duration.ofSeconds(10));
        Server server = null;
        try (ChatClient client = new ChatClient(List.of(late.address), patient)) {
            CompletableFuture<ChatMessage> write = CompletableFuture.supplyAsync(
                    () -> client.postRoomMessage("general", "hi"));
            Thread.sleep(1_500);
            server = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create()).addService(late).build().start();

            assertThat(write.get(8, TimeUnit.SECONDS).getSeq()).isEqualTo(1);
        } finally {
            if (server != null) {
                server.shutdownNow();
            }
        }
    }

    @Test
    void callsOnAClosedClientAreCancelled() {
        // Goal: using a closed client fails clearly instead of retrying against shut-down channels.
        ChatClient client = cluster.client();
        client.close();

        assertThatThrownBy(() -> client.createRoom("general", ""))
                .isInstanceOfSatisfying(ChatClientException.class,
                        e -> assertThat(e.category()).isEqualTo(Category.CANCELLED));
    }

    @Test
    void inProcessNodesThatDoNotExistAreUnreachableToo() {
        // Goal: the give-up message tells "nothing answered" apart from "nodes answered but refused to serve".
        try (ChatClient client = cluster.client(List.of(cluster.downAddress()), FakeCluster.FAST)) {
            assertThatThrownBy(() -> client.readHistory(ConversationRefs.room("general"), HistoryAnchor.latest(), 0))
                    .hasMessage("no node reachable at " + cluster.downAddress()
                            + ": is the cluster running? (./raftchat-dev up)");
        }
    }

    @Test
    void clusterInfoOfADownNodeIsUnavailable() {
        // Goal: status asks each node once; a down node is an UNAVAILABLE answer, a live one reports the leader.
        try (ChatClient client = cluster.client(List.of(follower.address, cluster.downAddress()), FakeCluster.FAST)) {
            assertThat(client.clusterInfo(leader.address).getLeaderId()).isEqualTo("n1");
            assertThat(client.believedLeader()).contains(leader.address);
            assertThatThrownBy(() -> client.clusterInfo(cluster.downAddress()))
                    .isInstanceOfSatisfying(ChatClientException.class,
                            e -> assertThat(e.category()).isEqualTo(Category.UNAVAILABLE));
        }
    }

    @Test
    void addressesMustBeHostAndPort() {
        // Goal: a malformed address is rejected when the client is built, not at the first call.
        assertThatThrownBy(() -> new ChatClient(List.of("localhost"), FakeCluster.FAST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not host:port");
        assertThat(ClusterConnection.requireAddress("[::1]:9101")).isEqualTo("[::1]:9101");
    }
}
