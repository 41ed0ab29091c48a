package org.raftchat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.QueueDelivery;

class ResumingQueueStreamTest {

    private final FakeCluster cluster = new FakeCluster(2);
    private final ClusterConnection connection =
            new ClusterConnection(cluster.addresses(), FakeCluster.FAST, FakeCluster::channel);
    private final AtomicInteger consumedAgain = new AtomicInteger();
    private final List<String> reasons = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        connection.close();
        cluster.close();
    }

    private static QueueDelivery delivery(long id) {
        return QueueDelivery.newBuilder().setDeliveryId(id).setDeliveryCount(1)
                .setMessage(ChatMessage.newBuilder().setSeq(id).setText("job " + id)).build();
    }

    private static void hand(FakeNode node, long... ids) {
        for (long id : ids) {
            node.queueDeliveries.add(delivery(id));
        }
    }

    private ResumingQueueStream stream() {
        return new ResumingQueueStream(connection, "jobs", consumedAgain::incrementAndGet, reasons::add);
    }

    private static List<Long> read(ResumingQueueStream stream, int n) throws InterruptedException {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(stream.next().getDeliveryId());
        }
        return ids;
    }

    @Test
    void aBrokenStreamResumesOnTheNextNodeAfterTheLastDelivery() throws Exception {
        // Goal: a node that goes down mid-stream costs neither a delivery nor a duplicate.
        hand(cluster.node(0), 1, 2, 3);
        cluster.node(0).queueStreamEnds.add(Status.UNAVAILABLE.withDescription("node went down"));
        hand(cluster.node(1), 1, 2, 3, 4, 5);

        try (ResumingQueueStream stream = stream()) {
            assertThat(read(stream, 5)).containsExactly(1L, 2L, 3L, 4L, 5L);
        }

        assertThat(cluster.node(0).queueStreamsAfter).containsExactly(0L);
        assertThat(cluster.node(1).queueStreamsAfter).containsExactly(3L);
        assertThat(consumedAgain).hasValue(0);
    }

    @Test
    void aSessionTakenForGoneConsumesAgainAndSaysWhy() throws Exception {
        // Goal: FAILED_PRECONDITION (the session stopped consuming) starts consuming again, on the same node.
        hand(cluster.node(0), 1, 2);
        cluster.node(0).queueStreamEnds.add(Status.FAILED_PRECONDITION.withDescription("session taken for gone"));

        try (ResumingQueueStream stream = stream()) {
            assertThat(read(stream, 2)).containsExactly(1L, 2L);
            hand(cluster.node(0), 3);
            assertThat(read(stream, 1)).containsExactly(3L);
        }

        assertThat(consumedAgain).hasValue(1);
        assertThat(reasons).containsExactly("session taken for gone");
        assertThat(cluster.node(0).queueStreamsAfter).containsExactly(0L, 2L);
        assertThat(cluster.node(1).queueStreamsAfter).isEmpty();
    }

    @Test
    void anyOtherFailureEndsItWithTheReason() {
        // Goal: a failure retrying cannot help (here: not a member) is reported, not retried.
        cluster.node(0).queueStreamEnds.add(Status.PERMISSION_DENIED.withDescription("not a member of #jobs"));

        try (ResumingQueueStream stream = stream()) {
            assertThatThrownBy(stream::next).isInstanceOfSatisfying(ChatClientException.class, e -> {
                assertThat(e.category()).isEqualTo(Category.PERMISSION_DENIED);
                assertThat(e.getMessage()).contains("queue stream of #jobs", "not a member of #jobs");
            });
        }
        assertThat(cluster.node(1).queueStreamsAfter).isEmpty();
    }
}
