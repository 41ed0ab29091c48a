package org.raftchat.client;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Consumer;
import org.raftchat.proto.v1.QueueDelivery;
import org.raftchat.proto.v1.StreamQueueRequest;

/**
 * This session's deliveries of one work-queue room, read one at a time (blocking) across node
 * failures. Each StreamQueue stream asks for the deliveries after the last one handed out; a
 * stream that breaks (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, CANCELLED) is reopened on the
 * next node after a pause, so nothing is skipped and nothing repeated but redeliveries (which say
 * so in their count). When the cluster took the session for gone (FAILED_PRECONDITION: what it
 * held was handed on), it starts consuming again and says why through {@code onConsumingAgain}.
 * Any other failure ends it with a {@link ChatClientException}.
 *
 * <p>One thread reads it; {@link #close()} ends the open stream.
 */
public final class ResumingQueueStream implements AutoCloseable {

    /** Between a broken stream and its reopening on the next node. */
    private static final Duration RECONNECT_PAUSE = Duration.ofMillis(200);

    private final ClusterConnection connection;
    private final String room;
    private final Runnable consumeAgain;
    private final Consumer<String> onConsumingAgain;
    private String address;
    private long lastDeliveryId;
    /** The open stream; null between streams. */
    private Stream stream;

    /**
     * @param consumeAgain     starts consuming the room again (with the caller's prefetch)
     * @param onConsumingAgain hears the cluster's reason each time the session had stopped consuming
     */
    ResumingQueueStream(ClusterConnection connection, String room, Runnable consumeAgain, Consumer<String> onConsumingAgain) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.room = Objects.requireNonNull(room, "room");
        this.consumeAgain = Objects.requireNonNull(consumeAgain, "consumeAgain");
        this.onConsumingAgain = Objects.requireNonNull(onConsumingAgain, "onConsumingAgain");
        this.address = connection.currentAddress();
    }

    /** The next delivery to this session; blocks until there is one. */
    public QueueDelivery next() throws InterruptedException {
        while (true) {
            if (stream == null) {
                stream = open(address);
            }
            try {
                if (stream.deliveries().hasNext()) {
                    QueueDelivery delivery = stream.deliveries().next();
                    lastDeliveryId = delivery.getDeliveryId();
                    return delivery;
                }
                closeStream(); // the node ended the stream: open it again where it was
            } catch (StatusRuntimeException e) {
                closeStream();
                address = recover(e);
            }
        }
    }

    /** Where to reopen the stream after it broke, or the error when it cannot be helped. */
    private String recover(StatusRuntimeException e) throws InterruptedException {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.FAILED_PRECONDITION) {
            onConsumingAgain.accept(e.getStatus().getDescription());
            consumeAgain.run();
            return address;
        }
        if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED
                && code != Status.Code.INTERNAL && code != Status.Code.CANCELLED) {
            throw new ChatClientException(GrpcFailures.category(code), "queue stream of #" + room + ": "
                    + GrpcFailures.shortReason(e.getStatus()), e);
        }
        Thread.sleep(RECONNECT_PAUSE.toMillis());
        return connection.nextAddress(address);
    }

    /** One StreamQueue stream on {@code address}: this session's deliveries after {@link #lastDeliveryId}, then each new one. */
    private Stream open(String address) {
        Context.CancellableContext context = Context.current().withCancellation();
        StreamQueueRequest request = StreamQueueRequest.newBuilder().setRoom(room).setAfterDeliveryId(lastDeliveryId).build();
        var stub = connection.blockingStub(address);
        Context previous = context.attach();
        try {
            return new Stream(stub.streamQueue(request), context);
        } finally {
            context.detach(previous);
        }
    }

    private void closeStream() {
        if (stream != null) {
            stream.context().cancel(null);
            stream = null;
        }
    }

    @Override
    public void close() {
        closeStream();
    }

    /** A StreamQueue stream: iterated (blocking) on one thread; cancelling its context ends the call. */
    private record Stream(Iterator<QueueDelivery> deliveries, Context.CancellableContext context) {
    }
}
