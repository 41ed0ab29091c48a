package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.createRoom;
import static org.raftchat.node.testing.Api.post;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.proto.v1.ChatServiceGrpc;

class ObservabilityIT {

    private static final int WRITES = 20;

    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3);
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyNodeServesPrometheusMetricsThatFollowTheWork() throws Exception {
        // Goal: after writes on the leader and a linearizable read on a follower, each node's /metrics
        // shows the work it did: applied entries, commits and gRPC calls on the leader, a ReadIndex on
        // the follower, roles, terms, indexes and on-disk sizes.
        RaftChatNode leader = cluster.awaitLeader();
        var leaderStub = cluster.blockingStub(leader.id());
        createRoom(leaderStub, "lobby");
        IntStream.rangeClosed(1, WRITES).forEach(i -> post(leaderStub, "lobby", "m" + i));
        RaftChatNode follower = cluster.followers().get(0);
        assertThat(allMessages(cluster.blockingStub(follower.id()), "lobby")).hasSize(WRITES);
        cluster.awaitConverged();

        for (RaftChatNode node : cluster.runningNodes()) {
            Map<String, Double> m = scrape(node.id());
            assertThat(m.get("raftchat_applied_entries_total")).as(node.id()).isGreaterThanOrEqualTo(WRITES + 1);
            assertThat(m.get("raftchat_apply_batch_seconds_count")).as(node.id()).isGreaterThanOrEqualTo(1);
            assertThat(m.get("raftchat_applied_index")).as(node.id()).isGreaterThanOrEqualTo(WRITES + 1);
            assertThat(m.get("raftchat_committed_index")).as(node.id()).isGreaterThanOrEqualTo(m.get("raftchat_applied_index"));
            assertThat(m.get("raftchat_last_log_index")).as(node.id()).isGreaterThanOrEqualTo(m.get("raftchat_committed_index"));
            assertThat(m.get("raftchat_raft_term")).as(node.id()).isGreaterThanOrEqualTo(1);
            assertThat(m.get("raftchat_leader_changes_total")).as(node.id()).isGreaterThanOrEqualTo(1);
            assertThat(m.get("raftchat_disk_bytes{store=\"state\"}")).as(node.id()).isPositive();
            assertThat(m.get("raftchat_disk_bytes{store=\"raft_log\"}")).as(node.id()).isPositive();
            assertThat(m.get("raftchat_rocksdb_memory_bytes{kind=\"memtables\",store=\"state\"}")).as(node.id()).isPositive();
            assertThat(m.get("raftchat_subscriptions")).as(node.id()).isEqualTo(0);
            assertThat(m.get("raftchat_pending_proposals")).as(node.id()).isEqualTo(0);
            boolean leads = node == leader;
            assertThat(m.get("raftchat_is_leader")).as(node.id()).isEqualTo(leads ? 1 : 0);
            assertThat(m.get("raftchat_raft_role{role=\"" + (leads ? "LEADER" : "FOLLOWER") + "\"}")).as(node.id()).isEqualTo(1);
        }
        Map<String, Double> onLeader = scrape(leader.id());
        // At least the room and the posts; the test user's registration and login, and the leader's
        // presence ticks, are proposals too.
        assertThat(onLeader.get("raftchat_proposals_total{outcome=\"committed\"}")).isGreaterThanOrEqualTo(WRITES + 1);
        assertThat(onLeader.get("raftchat_commit_seconds_count")).isGreaterThanOrEqualTo(WRITES + 1);
        assertThat(onLeader.get("raftchat_commit_seconds_sum")).isPositive();
        assertThat(onLeader.get("raftchat_grpc_requests_total{code=\"OK\",method=\"raftchat.v1.ChatService/PostRoomMessage\"}"))
                .isEqualTo(WRITES);
        assertThat(onLeader.get("raftchat_grpc_unary_seconds_count{method=\"raftchat.v1.ChatService/PostRoomMessage\"}"))
                .isEqualTo(WRITES);
        Map<String, Double> onFollower = scrape(follower.id());
        assertThat(onFollower.get("raftchat_read_barriers_total{outcome=\"ok\"}")).isGreaterThanOrEqualTo(1);
        assertThat(onFollower.get("raftchat_read_index_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(onFollower.get("raftchat_read_index_rounds_total")).isGreaterThanOrEqualTo(1)
                .isLessThanOrEqualTo(onFollower.get("raftchat_read_barriers_total{outcome=\"ok\"}"));
        assertThat(onFollower.get("raftchat_grpc_requests_total{code=\"OK\",method=\"raftchat.v1.ChatService/ReadHistory\"}"))
                .isEqualTo(1);
    }

    @Test
    void healthIsServingWhileTheNodeCanServeAndNotServingWithoutALeader() {
        // Goal: the standard health service says SERVING on every member of a healthy cluster, and
        // NOT_SERVING on a node left alone (no majority, so no leader).
        for (RaftChatNode node : cluster.runningNodes()) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(health(node.id(), "")).as(node.id()).isEqualTo(ServingStatus.SERVING);
                assertThat(health(node.id(), ChatServiceGrpc.SERVICE_NAME)).as(node.id()).isEqualTo(ServingStatus.SERVING);
            });
        }
        String survivor = cluster.followers().get(0).id();
        cluster.runningNodes().stream().map(RaftChatNode::id).filter(id -> !id.equals(survivor)).toList()
                .forEach(cluster::stopNode);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(health(survivor, ChatServiceGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.NOT_SERVING));
    }

    @Test
    void reflectionListsTheChatService() throws Exception {
        // Goal: generic gRPC tools (grpcurl, grpcui) can discover the API, on any node, leader or not.
        String id = cluster.runningNodes().get(0).id();
        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(cluster.channel(id))
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        services.complete(response.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> names = services.get(10, TimeUnit.SECONDS);
        requests.onCompleted();

        assertThat(names).contains("raftchat.v1.ChatService", "raftchat.v1.AdminService", "grpc.health.v1.Health");
    }

    private ServingStatus health(String id, String service) {
        return HealthGrpc.newBlockingStub(cluster.channel(id)).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    /** Samples of one node's /metrics as "name{labels}" -> value (labels as the exposition writes them). */
    private Map<String, Double> scrape(String id) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://" + cluster.metricsAddress(id) + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }
}
