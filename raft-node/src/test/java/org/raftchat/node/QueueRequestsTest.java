package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.QueuePolicy;

/** The leader fills in queue defaults and refuses bad queue options before anything is proposed. */
class QueueRequestsTest {

    private final QueueRequests requests = new QueueRequests(Defaults.MAX_NAME_LENGTH);

    @Test
    void aQueueWithoutAPolicyGetsTheDefaultsAndAnOrdinaryRoomNone() {
        assertThat(requests.createRoomPolicy("jobs", true, QueuePolicy.getDefaultInstance())).isEqualTo(QueuePolicy.newBuilder()
                .setAckTimeoutMs(Defaults.QUEUE_ACK_TIMEOUT.toMillis()).setMaxDeliveries(Defaults.QUEUE_MAX_DELIVERIES).build());
        assertThat(requests.createRoomPolicy("jobs", true, QueuePolicy.newBuilder().setMaxDeliveries(2).build()).getMaxDeliveries())
                .isEqualTo(2);
        assertThat(requests.createRoomPolicy("general", false, QueuePolicy.getDefaultInstance()))
                .isEqualTo(QueuePolicy.getDefaultInstance());
    }

    @Test
    void badQueueOptionsAndDeadLetterNamesAreRefused() {
        assertThatThrownBy(() -> requests.createRoomPolicy("general", false, QueuePolicy.newBuilder().setMaxDeliveries(2).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("only for a queue room");
        assertThatThrownBy(() -> requests.createRoomPolicy("jobs.dlq", false, QueuePolicy.getDefaultInstance()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("kept for dead-letter rooms");
        assertThatThrownBy(() -> requests.createRoomPolicy("j".repeat(Defaults.MAX_NAME_LENGTH - 3), true, QueuePolicy.getDefaultInstance()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("dead-letter room");
        assertThatThrownBy(() -> requests.createRoomPolicy("jobs", true, QueuePolicy.newBuilder().setAckTimeoutMs(10).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("ack_timeout_ms");
        assertThatThrownBy(() -> requests.createRoomPolicy("jobs", true, QueuePolicy.newBuilder().setMaxDeliveries(101).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("max_deliveries");
    }

    @Test
    void prefetchDefaultsToOneAndIsBounded() {
        assertThat(QueueRequests.prefetch(0)).isEqualTo(Defaults.QUEUE_PREFETCH);
        assertThat(QueueRequests.prefetch(7)).isEqualTo(7);
        assertThatThrownBy(() -> QueueRequests.prefetch(-1)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> QueueRequests.prefetch(Defaults.QUEUE_MAX_PREFETCH + 1)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("prefetch");
    }
}
