package org.raftchat.bench;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.SubscribeRequest;

/**
 * Subscribers on followers that time each message of this run from its intended start (read from
 * the {@link MessageText}) to its arrival: the delivery latency, post → committed → applied on
 * another node → pushed. Each subscription starts after the room's current last message, and a
 * broken stream is reopened after the last message it saw, so nothing is missed or doubled.
 */
final class DeliveryProbe implements AutoCloseable {

    private static final long REOPEN_PAUSE_MS = 200;

    private final BenchChannels channels;
    private final ScheduledExecutorService timer;
    private final String runId;
    private final RunCounters counters;
    private final LatencyMetric latency;
    private final List<Stream> streams = new ArrayList<>();
    private volatile MeasurementWindow window;
    private volatile boolean closed;

    DeliveryProbe(BenchChannels channels, ScheduledExecutorService timer, String runId, RunCounters counters, LatencyMetric latency) {
        this.channels = channels;
        this.timer = timer;
        this.runId = runId;
        this.counters = counters;
        this.latency = latency;
    }

    /** Opens one subscription per placement, each after the given room's last seq (see {@link RoomSetup#lastSeq}). */
    void open(Placement placement, long afterSeq) {
        Stream stream = new Stream(placement, afterSeq);
        streams.add(stream);
        stream.open();
    }

    /** From now on, deliveries of messages intended to start in {@code window} are timed. */
    void measure(MeasurementWindow window) {
        this.window = window;
    }

    @Override
    public void close() {
        closed = true;
        streams.forEach(Stream::cancel);
    }

    /** One subscription; reopened after failures from the last seq it saw. */
    private final class Stream implements ClientResponseObserver<SubscribeRequest, ChatMessage> {
        private final Placement placement;
        private volatile long lastSeq;
        private volatile ClientCallStreamObserver<SubscribeRequest> call;

        Stream(Placement placement, long afterSeq) {
            this.placement = placement;
            this.lastSeq = afterSeq;
        }

        void open() {
            if (closed) {
                return;
            }
            SubscribeRequest request = SubscribeRequest.newBuilder()
                    .setConversation(ConversationRef.newBuilder().setRoom(placement.room()))
                    .setAfterSeq(lastSeq)
                    .build();
            try {
                channels.async(placement.address()).subscribe(request, this);
            } catch (RuntimeException e) {
                onError(e);
            }
        }

        void cancel() {
            ClientCallStreamObserver<SubscribeRequest> current = call;
            if (current != null) {
                current.cancel("the bench is over", null);
            }
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
            call = requestStream;
        }

        @Override
        public void onNext(ChatMessage message) {
            long now = System.nanoTime();
            lastSeq = message.getSeq();
            MeasurementWindow measured = window;
            if (measured == null) {
                return;
            }
            MessageText.parse(message.getText())
                    .filter(stamp -> stamp.runId().equals(runId) && measured.contains(stamp.intendedStartNanos()))
                    .ifPresent(stamp -> {
                        latency.recordNanos(now - stamp.intendedStartNanos());
                        counters.deliveries.increment();
                    });
        }

        @Override
        public void onError(Throwable failure) {
            if (closed) {
                return;
            }
            counters.subscriptionErrors.increment();
            counters.noteFailure("SUBSCRIBE_" + Failures.kind(failure), Failures.describe(failure));
            reopenLater();
        }

        @Override
        public void onCompleted() {
            if (!closed) {
                reopenLater();
            }
        }

        private void reopenLater() {
            try {
                timer.schedule(this::open, REOPEN_PAUSE_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shutDown) {
                // The run is over.
            }
        }
    }
}
