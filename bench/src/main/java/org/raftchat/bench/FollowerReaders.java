package org.raftchat.bench;

import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.ReadHistoryResponse;

/**
 * Readers doing linearizable history reads (the newest {@value BenchConfig#READ_PAGE} messages of a
 * room) on followers, open loop: reads start at a fixed total rate, round-robin over the
 * placements, and each is timed from its intended start. A failed read is counted, not retried.
 */
final class FollowerReaders {

    private final BenchChannels channels;
    private final List<Placement> placements;
    private final Duration callDeadline;
    private final RunCounters counters;
    private final LatencyMetric latency;
    private final MeasurementWindow window;
    private final AtomicInteger outstanding = new AtomicInteger();
    private OpenLoopPacer pacer;
    private volatile boolean abandoned;

    FollowerReaders(BenchChannels channels, List<Placement> placements, Duration callDeadline, RunCounters counters,
                    LatencyMetric latency, MeasurementWindow window) {
        this.channels = channels;
        this.placements = List.copyOf(placements);
        this.callDeadline = callDeadline;
        this.counters = counters;
        this.latency = latency;
        this.window = window;
    }

    /** Starts reading at {@code ratePerSec} (all readers together) from {@code startNanos} until {@code endNanos}. */
    void start(int ratePerSec, long startNanos, long endNanos) {
        if (placements.isEmpty()) {
            return;
        }
        pacer = new OpenLoopPacer("bench-readers", new OpenLoopSchedule(startNanos, ratePerSec), endNanos,
                (op, intended) -> read(placements.get((int) (op % placements.size())), intended));
        pacer.start();
    }

    void awaitEnd() throws InterruptedException {
        if (pacer != null) {
            pacer.join();
        }
    }

    void stop() {
        if (pacer != null) {
            pacer.stop();
        }
    }

    /** Waits up to {@code patience} for reads in flight; returns how many are left. */
    int awaitIdle(Duration patience) throws InterruptedException {
        return InFlight.awaitIdle(outstanding, patience);
    }

    /** Ignores reads that answer from now on. */
    void abandon() {
        abandoned = true;
    }

    private void read(Placement placement, long intendedStartNanos) {
        boolean measured = window.contains(intendedStartNanos);
        ReadHistoryRequest request = ReadHistoryRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setRoom(placement.room()))
                .setLimit(BenchConfig.READ_PAGE)
                .build();
        outstanding.incrementAndGet();
        StreamObserver<ReadHistoryResponse> observer = new StreamObserver<>() {
            @Override
            public void onNext(ReadHistoryResponse response) {
                long now = System.nanoTime();
                if (measured && !abandoned) {
                    latency.recordNanos(now - intendedStartNanos);
                    counters.reads.increment();
                }
            }

            @Override
            public void onError(Throwable failure) {
                counters.noteFailure("READ_" + Failures.kind(failure), Failures.describe(failure));
                if (measured && !abandoned) {
                    counters.readErrors.increment();
                }
                outstanding.decrementAndGet();
            }

            @Override
            public void onCompleted() {
                outstanding.decrementAndGet();
            }
        };
        try {
            channels.async(placement.address())
                    .withDeadlineAfter(callDeadline.toNanos(), TimeUnit.NANOSECONDS)
                    .readHistory(request, observer);
        } catch (RuntimeException e) {
            observer.onError(e);
        }
    }
}
