package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.code;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.config.Limits;
import org.raftchat.node.testing.Api;
import org.raftchat.node.testing.RetryingWriter;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.AckQueueMessageRequest;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.ConsumeRequest;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.GetQueueStatusRequest;
import org.raftchat.proto.v1.NackQueueMessageRequest;
import org.raftchat.proto.v1.QueueConsumerStatus;
import org.raftchat.proto.v1.QueueDelivery;
import org.raftchat.proto.v1.QueuePolicy;
import org.raftchat.proto.v1.QueueStatus;
import org.raftchat.proto.v1.StreamQueueRequest;

/**
 * Fair work queues on a 3-node cluster, through the public API, with consumers that receive their
 * work on StreamQueue streams served by followers: a fast consumer does most of the work next to a
 * slow one (prefetch 1); a message a consumer stalls on moves on after the ack timeout; a message
 * every consumer nacks ends in the owner's dead-letter room; and across a leader change (the node a
 * consumer streams from among the dead) nothing is lost and nothing is handled twice unless marked
 * as a redelivery.
 */
class QueueFairnessIT {

    private static final long ACK_TIMEOUT_MS = 3_000;
    private static final int MAX_DELIVERIES = 3;
    private static final Duration WAIT = Duration.ofSeconds(30);

    // Presence never ends these consumers during the test: they stop only when told to.
    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3, Limits.defaults().withPresenceTimeoutMs(300_000));
    private final List<Worker> workers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopWorkers() {
        workers.forEach(Worker::close);
    }

    @Test
    void aFastConsumerDoesMostOfTheWorkAndAStalledMessageMovesOnAfterTheAckTimeout() throws Exception {
        TestSession alice = new TestSession(cluster, "alice");
        TestSession bob = new TestSession(cluster, "bob");
        createQueue(alice, "jobs", bob);
        Worker fast = worker(alice, "jobs", Handling.ACK);
        Worker slow = worker(bob, "jobs", Handling.SLOW_ACK);
        fast.start(1);
        slow.start(1);
        int posts = 24;
        for (int i = 1; i <= posts; i++) {
            Api.post(leader(alice), "jobs", "job " + i);
        }
        await().atMost(WAIT).until(() -> fast.acked.size() + slow.acked.size() == posts);
        assertThat(merge(fast.acked, slow.acked)).containsExactlyInAnyOrderElementsOf(seqs(1, posts));
        assertThat(fast.acked.size()).as("fast %s, slow %s", fast.acked, slow.acked).isGreaterThanOrEqualTo(3 * slow.acked.size());
        assertThat(merge(fast.received, slow.received)).as("nobody held back past the timeout: no redelivery")
                .allSatisfy(d -> assertThat(d.getDeliveryCount()).isEqualTo(1));

        // Carol stalls on what she gets; with her the only consumer with room, the next post is hers.
        TestSession carol = new TestSession(cluster, "carol");
        Api.join(leader(carol), "jobs");
        fast.stop();
        slow.stop();
        Worker stalled = worker(carol, "jobs", Handling.STALL);
        stalled.start(1);
        long stuck = Api.post(leader(alice), "jobs", "stuck").getSeq();
        await().atMost(WAIT).until(() -> stalled.received.size() == 1);
        fast.start(1);
        long startedNs = System.nanoTime();
        await().atMost(WAIT).until(() -> fast.acked.contains(stuck));
        assertThat(Duration.ofNanos(System.nanoTime() - startedNs)).as("moved only after the ack timeout")
                .isGreaterThan(Duration.ofMillis(ACK_TIMEOUT_MS / 2));
        assertThat(stalled.received).singleElement().satisfies(d -> assertThat(d.getMessage().getSeq()).isEqualTo(stuck));
        assertThat(fast.received).filteredOn(d -> d.getMessage().getSeq() == stuck).singleElement()
                .satisfies(d -> assertThat(d.getDeliveryCount()).isEqualTo(2));
        assertThat(code(catchThrowable(() -> leader(carol).ackQueueMessage(ack("jobs", stuck)))))
                .as("taken from carol").isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void aPoisonMessageEndsInTheOwnersDeadLetterRoomAfterTheDeliveryLimit() throws Exception {
        TestSession alice = new TestSession(cluster, "alice");
        TestSession bob = new TestSession(cluster, "bob");
        createQueue(alice, "jobs", bob);
        Worker a = worker(alice, "jobs", Handling.NACK_POISON);
        Worker b = worker(bob, "jobs", Handling.NACK_POISON);
        a.start(1);
        b.start(1);
        long poison = Api.post(leader(alice), "jobs", "poison pill").getSeq();
        long fine = Api.post(leader(alice), "jobs", "fine").getSeq();

        await().atMost(WAIT).until(() -> Api.allMessages(leader(alice), "jobs.dlq").size() == 1);
        ChatMessage dead = Api.allMessages(cluster.anonymousStub(cluster.followers().get(0).id()).withCallCredentials(alice),
                "jobs.dlq").get(0);
        assertThat(dead.getText()).isEqualTo("poison pill");
        assertThat(dead.getRefersToSeq()).isEqualTo(poison);
        List<QueueDelivery> poisonDeliveries = merge(a.received, b.received).stream()
                .filter(d -> d.getMessage().getSeq() == poison).toList();
        assertThat(poisonDeliveries).extracting(QueueDelivery::getDeliveryCount).containsExactlyInAnyOrder(1, 2, 3);
        await().atMost(WAIT).until(() -> merge(a.acked, b.acked).contains(fine));
        QueueStatus status = leader(alice).getQueueStatus(GetQueueStatusRequest.newBuilder().setRoom("jobs").build());
        assertThat(status.getDeadLetterRoom()).isEqualTo("jobs.dlq");
        assertThat(status.getWaiting()).isZero();
        assertThat(status.getConsumersList()).extracting(QueueConsumerStatus::getInFlight).containsOnly(0);
        assertThat(code(catchThrowable(() -> Api.allMessages(leader(bob), "jobs.dlq"))))
                .as("the dead letters are the owner's").isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void acrossALeaderChangeNothingIsLostAndNothingIsHandledTwiceWithoutARedeliveryCount() throws Exception {
        TestSession alice = new TestSession(cluster, "alice");
        TestSession bob = new TestSession(cluster, "bob");
        createQueue(alice, "jobs", bob);
        String oldLeader = cluster.awaitLeader().id();
        // Alice streams from the leader, so its death cuts her stream too; bob from a follower.
        Worker a = worker(alice, "jobs", Handling.ACK).streamingFrom(oldLeader);
        Worker b = worker(bob, "jobs", Handling.SLOW_ACK).streamingFrom(cluster.followers().get(0).id());
        a.start(2);
        b.start(1);
        RetryingWriter writer = new RetryingWriter(cluster);
        int posts = 30;
        for (int i = 1; i <= posts; i++) {
            writer.postAs(alice, "jobs", "job " + i, "post-" + i, WAIT);
            if (i == 12) {
                cluster.stopNode(oldLeader);
            }
        }
        await().atMost(WAIT).until(() -> merge(a.acked, b.acked).stream().distinct().count() == posts);
        assertThat(merge(a.acked, b.acked).stream().distinct().sorted().toList()).isEqualTo(seqs(1, posts));
        // A message delivered more than once says so on every delivery after the first.
        Map<Long, List<Integer>> counts = merge(a.received, b.received).stream().collect(Collectors.groupingBy(
                d -> d.getMessage().getSeq(), Collectors.mapping(QueueDelivery::getDeliveryCount, Collectors.toList())));
        counts.forEach((seq, deliveries) -> assertThat(deliveries.stream().sorted().toList()).as("deliveries of seq %d", seq)
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, deliveries.size()).boxed().toList()));
        assertThat(a.streamsOpened.get()).as("alice's stream resumed on another node").isGreaterThan(1);
        QueueStatus status = leader(alice).getQueueStatus(GetQueueStatusRequest.newBuilder().setRoom("jobs").build());
        assertThat(status.getWaiting()).isZero();
        assertThat(status.getConsumersList()).extracting(QueueConsumerStatus::getInFlight).containsOnly(0);
    }

    // ---- helpers ----

    private enum Handling { ACK, SLOW_ACK, STALL, NACK_POISON }

    /**
     * A consumer as a real one works: starts consuming (a write, following the leader), receives its
     * deliveries on a StreamQueue stream, resumes the stream on another node from the last delivery
     * id it saw when the stream breaks, and handles each delivery on its own thread.
     */
    private final class Worker implements AutoCloseable {
        final TestSession session;
        final String room;
        final Handling handling;
        final List<QueueDelivery> received = new CopyOnWriteArrayList<>();
        final List<Long> acked = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger streamsOpened = new java.util.concurrent.atomic.AtomicInteger();
        private final ExecutorService handler = Executors.newSingleThreadExecutor();
        private final java.util.concurrent.ScheduledExecutorService reconnects = Executors.newSingleThreadScheduledExecutor();
        private final AtomicReference<io.grpc.Context.CancellableContext> stream = new AtomicReference<>();
        private volatile long lastDeliveryId;
        private volatile String node;
        private volatile boolean consuming;

        Worker(TestSession session, String room, Handling handling) {
            this.session = session;
            this.room = room;
            this.handling = handling;
        }

        Worker streamingFrom(String nodeId) {
            this.node = nodeId;
            return this;
        }

        void start(int prefetch) {
            write(stub -> stub.startConsuming(ConsumeRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
                    .setRoom(room).setPrefetch(prefetch).build()));
            consuming = true;
            open(node != null ? node : cluster.followers().get(0).id());
        }

        void stop() {
            consuming = false;
            write(stub -> stub.stopConsuming(ConsumeRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
                    .setRoom(room).build()));
            cancelStream();
        }

        private void open(String nodeId) {
            node = nodeId;
            streamsOpened.incrementAndGet();
            io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
            cancelStream();
            stream.set(context);
            context.run(() -> cluster.asyncStub(nodeId).withCallCredentials(session).streamQueue(StreamQueueRequest.newBuilder()
                    .setRoom(room).setAfterDeliveryId(lastDeliveryId).build(), new StreamObserver<>() {
                        @Override
                        public void onNext(QueueDelivery delivery) {
                            received.add(delivery);
                            lastDeliveryId = delivery.getDeliveryId();
                            handler.execute(() -> handle(delivery));
                        }

                        @Override
                        public void onError(Throwable t) {
                            if (consuming && Status.fromThrowable(t).getCode() != Status.Code.CANCELLED) {
                                reconnects.schedule(() -> open(otherRunningNode(nodeId)), 200, TimeUnit.MILLISECONDS);
                            }
                        }

                        @Override
                        public void onCompleted() {
                        }
                    }));
        }

        private String otherRunningNode(String broken) {
            List<String> running = cluster.runningNodes().stream().map(RaftChatNode::id).toList();
            return running.stream().filter(id -> !id.equals(broken)).findFirst().orElse(running.get(0));
        }

        private void handle(QueueDelivery delivery) {
            long seq = delivery.getMessage().getSeq();
            try {
                switch (handling) {
                    case STALL -> { }
                    case SLOW_ACK -> {
                        Thread.sleep(600);
                        ackOrLose(seq);
                    }
                    case NACK_POISON -> {
                        if (delivery.getMessage().getText().contains("poison")) {
                            write(stub -> stub.nackQueueMessage(NackQueueMessageRequest.newBuilder()
                                    .setIdempotencyKey(UUID.randomUUID().toString()).setRoom(room).setSeq(seq).build()));
                        } else {
                            ackOrLose(seq);
                        }
                    }
                    default -> ackOrLose(seq);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** An ack refused because the message was taken back meanwhile (a redelivery elsewhere) is not an ack. */
        private void ackOrLose(long seq) {
            try {
                write(stub -> stub.ackQueueMessage(ack(room, seq)));
                acked.add(seq);
            } catch (RuntimeException e) {
                if (code(e) != Status.Code.FAILED_PRECONDITION) {
                    throw e;
                }
            }
        }

        private <T> T write(Function<ChatServiceBlockingStub, T> call) {
            return retryingWrite(session, call);
        }

        private void cancelStream() {
            io.grpc.Context.CancellableContext previous = stream.getAndSet(null);
            if (previous != null) {
                previous.cancel(null);
            }
        }

        @Override
        public void close() {
            consuming = false;
            cancelStream();
            handler.shutdownNow();
            reconnects.shutdownNow();
        }
    }

    /** A write with one idempotency key (it is in the request), retried across leader changes like a real client. */
    private <T> T retryingWrite(TestSession session, Function<ChatServiceBlockingStub, T> call) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return call.apply(leader(session).withDeadlineAfter(5, TimeUnit.SECONDS));
            } catch (RuntimeException e) {
                Status status = Status.fromThrowable(e);
                boolean leaderTrouble = status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.DEADLINE_EXCEEDED
                        || status.getCode() == Status.Code.RESOURCE_EXHAUSTED
                        || (status.getCode() == Status.Code.FAILED_PRECONDITION && String.valueOf(status.getDescription()).contains("leader"));
                if (!leaderTrouble || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private Worker worker(TestSession session, String room, Handling handling) {
        Worker worker = new Worker(session, room, handling);
        workers.add(worker);
        return worker;
    }

    private void createQueue(TestSession owner, String room, TestSession... members) {
        leader(owner).createRoom(CreateRoomRequest.newBuilder().setIdempotencyKey("create-" + room).setRoom(room)
                .setQueue(true).setQueuePolicy(QueuePolicy.newBuilder().setAckTimeoutMs(ACK_TIMEOUT_MS).setMaxDeliveries(MAX_DELIVERIES))
                .build());
        for (TestSession member : members) {
            Api.join(leader(member), room);
        }
    }

    private static <T> List<T> merge(List<T> a, List<T> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static AckQueueMessageRequest ack(String room, long seq) {
        // One key per (room, seq): a retried ack is the same request.
        return AckQueueMessageRequest.newBuilder().setIdempotencyKey("ack-" + room + "-" + seq).setRoom(room).setSeq(seq).build();
    }

    private ChatServiceBlockingStub leader(TestSession session) {
        return cluster.anonymousStub(cluster.awaitLeader().id()).withCallCredentials(session);
    }
}
