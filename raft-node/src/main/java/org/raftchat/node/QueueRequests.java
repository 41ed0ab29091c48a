package org.raftchat.node;

import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.QueuePolicy;
import org.raftchat.statemachine.WellKnown;

/**
 * Validates the work-queue parts of requests on the leader and fills in the defaults it stamps into
 * the command, so apply reads no config. Thread-safe (stateless but for the name limit).
 */
final class QueueRequests {

    private final int maxNameLength;

    QueueRequests(int maxNameLength) {
        this.maxNameLength = maxNameLength;
    }

    /**
     * The policy to stamp on a CreateRoom: for a queue, the requested one with zero fields set to the
     * defaults; for an ordinary room, none (asking for one is an error). Names ending in ".dlq" are
     * kept for dead-letter rooms, and a queue's name leaves room for that suffix.
     */
    QueuePolicy createRoomPolicy(String room, boolean queue, QueuePolicy requested) {
        if (room.endsWith(WellKnown.DEAD_LETTER_SUFFIX)) {
            throw new InvalidRequestException("room: names ending in '" + WellKnown.DEAD_LETTER_SUFFIX + "' are kept for dead-letter rooms");
        }
        if (!queue) {
            if (!requested.equals(QueuePolicy.getDefaultInstance())) {
                throw new InvalidRequestException("queue_policy: only for a queue room (queue = true)");
            }
            return QueuePolicy.getDefaultInstance();
        }
        if (room.length() + WellKnown.DEAD_LETTER_SUFFIX.length() > maxNameLength) {
            throw new InvalidRequestException("room: a queue's name is at most " + (maxNameLength - WellKnown.DEAD_LETTER_SUFFIX.length())
                    + " characters, so that its dead-letter room '" + room + WellKnown.DEAD_LETTER_SUFFIX + "' is a valid name too");
        }
        long timeoutMs = requested.getAckTimeoutMs() == 0 ? Defaults.QUEUE_ACK_TIMEOUT.toMillis() : requested.getAckTimeoutMs();
        if (timeoutMs < Defaults.QUEUE_MIN_ACK_TIMEOUT.toMillis() || timeoutMs > Defaults.QUEUE_MAX_ACK_TIMEOUT.toMillis()) {
            throw new InvalidRequestException("queue_policy.ack_timeout_ms: must be " + Defaults.QUEUE_MIN_ACK_TIMEOUT.toMillis()
                    + ".." + Defaults.QUEUE_MAX_ACK_TIMEOUT.toMillis() + " (or 0 for the default), got " + timeoutMs);
        }
        int maxDeliveries = requested.getMaxDeliveries() == 0 ? Defaults.QUEUE_MAX_DELIVERIES : requested.getMaxDeliveries();
        if (maxDeliveries < 1 || maxDeliveries > Defaults.QUEUE_MAX_DELIVERIES_LIMIT) {
            throw new InvalidRequestException("queue_policy.max_deliveries: must be 1.." + Defaults.QUEUE_MAX_DELIVERIES_LIMIT
                    + " (or 0 for the default), got " + maxDeliveries);
        }
        return QueuePolicy.newBuilder().setAckTimeoutMs(timeoutMs).setMaxDeliveries(maxDeliveries).build();
    }

    /** The prefetch to stamp on a StartConsuming: 0 means the default. */
    static int prefetch(int requested) {
        if (requested == 0) {
            return Defaults.QUEUE_PREFETCH;
        }
        if (requested < 1 || requested > Defaults.QUEUE_MAX_PREFETCH) {
            throw new InvalidRequestException("prefetch: must be 1.." + Defaults.QUEUE_MAX_PREFETCH + " (or 0 for the default "
                    + Defaults.QUEUE_PREFETCH + "), got " + requested);
        }
        return requested;
    }
}
