package org.raftchat.bench;

import org.raftchat.client.ClientOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.NotLeader;
import org.raftchat.proto.v1.PostMessageResponse;
import org.raftchat.proto.v1.PostRoomMessageRequest;

/** The bench writer against two scripted gRPC servers: a follower that redirects, a leader that fails first. */
class PostSenderTest {

    private final List<Server> servers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final BenchChannels channels = new BenchChannels(List.of("token-bench-0"));

    @AfterEach
    void stop() {
        channels.close();
        timer.shutdownNow();
        servers.forEach(Server::shutdownNow);
    }

    /** A node that answers each post by the next of {@code answers} (the last one repeats) and keeps every request. */
    private String node(List<Status> answers, List<PostRoomMessageRequest> seen, String leaderHint) throws IOException {
        AtomicInteger calls = new AtomicInteger();
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new ChatServiceGrpc.ChatServiceImplBase() {
                    @Override
                    public void postRoomMessage(PostRoomMessageRequest request, StreamObserver<PostMessageResponse> response) {
                        seen.add(request);
                        Status answer = answers.get(Math.min(calls.getAndIncrement(), answers.size() - 1));
                        if (answer.isOk()) {
                            response.onNext(PostMessageResponse.newBuilder()
                                    .setMessage(ChatMessage.newBuilder().setSeq(calls.get())).build());
                            response.onCompleted();
                        } else if (answer.getCode() == Status.Code.FAILED_PRECONDITION) {
                            response.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                                    .setCode(answer.getCode().value()).setMessage("not the leader")
                                    .addDetails(Any.pack(NotLeader.newBuilder().setLeaderId("n2").setLeaderApiAddress(leaderHint).build()))
                                    .build()));
                        } else {
                            response.onError(answer.asRuntimeException());
                        }
                    }
                })
                .build().start();
        servers.add(server);
        return "127.0.0.1:" + server.getPort();
    }

    @Test
    void aWriteFollowsTheLeaderHintAndRetriesWithTheSameKey() throws Exception {
        // Goal: FAILED_PRECONDITION + NotLeader is a redirect, UNAVAILABLE and RESOURCE_EXHAUSTED are retries;
        // every attempt carries the same idempotency key, and the write is timed once, from its intended start.
        List<PostRoomMessageRequest> atLeader = new CopyOnWriteArrayList<>();
        List<PostRoomMessageRequest> atFollower = new CopyOnWriteArrayList<>();
        String leader = node(List.of(Status.RESOURCE_EXHAUSTED, Status.OK), atLeader, "");
        String follower = node(List.of(Status.FAILED_PRECONDITION), atFollower, leader);
        RunCounters counters = new RunCounters();
        LatencyMetric commit = new LatencyMetric("commit");
        long now = System.nanoTime();
        MeasurementWindow window = new MeasurementWindow(now - 1_000_000_000L, now + 60_000_000_000L);
        PostSender sender = new PostSender(channels, new LeaderTracker(List.of(follower, leader), follower), timer,
                new ClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofMillis(1), Duration.ofMillis(5)),
                counters, commit, window, List.of("bench-0", "bench-1"), "run123", 128);
        AtomicInteger done = new AtomicInteger();

        sender.post(7, now, done::incrementAndGet);

        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);
        assertThat(atFollower).hasSize(1);
        assertThat(atLeader).hasSize(2);
        assertThat(atLeader).extracting(PostRoomMessageRequest::getIdempotencyKey).containsOnly("run123-7");
        assertThat(atFollower.get(0).getIdempotencyKey()).isEqualTo("run123-7");
        assertThat(atLeader.get(0).getRoom()).isEqualTo("bench-1");
        assertThat(MessageText.parse(atLeader.get(0).getText())).contains(new MessageText("run123", now, 7));
        Counts counts = counters.snapshot();
        assertThat(counts.writes()).isEqualTo(1);
        assertThat(counts.acked()).isEqualTo(1);
        assertThat(counts.redirects()).isEqualTo(1);
        assertThat(counts.retries()).isEqualTo(1);
        assertThat(counts.errors()).isZero();
        assertThat(counts.failuresByKind()).containsOnlyKeys("FAILED_PRECONDITION", "RESOURCE_EXHAUSTED");
        assertThat(commit.takeInterval().getTotalCount()).isEqualTo(1);
        assertThat(sender.outstanding()).isZero();
    }

    @Test
    void aFinalRefusalIsAnErrorAndIsNotRetried() throws Exception {
        // Goal: NOT_FOUND cannot get better by resending: one attempt, one error, and the chain goes on (onDone runs).
        List<PostRoomMessageRequest> seen = new CopyOnWriteArrayList<>();
        String leader = node(List.of(Status.NOT_FOUND.withDescription("room 'bench-0' does not exist")), seen, "");
        RunCounters counters = new RunCounters();
        long now = System.nanoTime();
        PostSender sender = new PostSender(channels, new LeaderTracker(List.of(leader), leader), timer, BenchRun.RETRY_OPTIONS,
                counters, new LatencyMetric("commit"), new MeasurementWindow(now - 1_000_000_000L, now + 60_000_000_000L),
                List.of("bench-0"), "run123", 128);
        AtomicInteger done = new AtomicInteger();

        sender.post(0, now, done::incrementAndGet);

        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);
        Counts counts = counters.snapshot();
        assertThat(seen).hasSize(1);
        assertThat(counts.errors()).isEqualTo(1);
        assertThat(counts.retries()).isZero();
        assertThat(counts.failureExamples()).containsEntry("NOT_FOUND", "NOT_FOUND: room 'bench-0' does not exist");
    }

    @Test
    void writesOutsideTheWindowAreSentButNotCounted() throws Exception {
        // Goal: warm-up writes load the cluster but leave the figures alone.
        String leader = node(List.of(Status.OK), new CopyOnWriteArrayList<>(), "");
        RunCounters counters = new RunCounters();
        LatencyMetric commit = new LatencyMetric("commit");
        long now = System.nanoTime();
        PostSender sender = new PostSender(channels, new LeaderTracker(List.of(leader), leader), timer, BenchRun.RETRY_OPTIONS,
                counters, commit, new MeasurementWindow(now + 60_000_000_000L, now + 120_000_000_000L),
                List.of("bench-0"), "run123", 128);
        AtomicInteger done = new AtomicInteger();

        sender.post(0, now, done::incrementAndGet);

        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);
        assertThat(counters.snapshot().writes()).isZero();
        assertThat(counters.snapshot().acked()).isZero();
        assertThat(commit.takeInterval().getTotalCount()).isZero();
    }
}
