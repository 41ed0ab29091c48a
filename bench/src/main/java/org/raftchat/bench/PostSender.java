package org.raftchat.bench;

import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.raftchat.client.Backoff;
import org.raftchat.client.ClientOptions;
import org.raftchat.proto.v1.NotLeader;
import org.raftchat.proto.v1.PostMessageResponse;
import org.raftchat.proto.v1.PostRoomMessageRequest;

/**
 * Posts bench messages asynchronously to the leader and times each one from its intended start
 * to its acknowledgement.
 *
 * <ul>
 *   <li>Write {@code op} goes to room {@code op mod rooms} with idempotency key {@code <run>-<op>},
 *       unique across runs; every resend of it carries the same key, so it is stored once.</li>
 *   <li>FAILED_PRECONDITION with a leader hint: resent at once to that leader (a redirect).
 *       UNAVAILABLE: resent to the next node after a pause; RESOURCE_EXHAUSTED: to the same leader
 *       after a pause (retries). Other codes (DEADLINE_EXCEEDED included, see {@link Failures}),
 *       or a spent retry budget: an error.</li>
 *   <li>Only writes whose intended start lies in the measured window are counted and timed.</li>
 *   <li>Thread-safe; callbacks run on transport threads and the timer.</li>
 * </ul>
 *
 * <p>Its own retry loop, not the client library's ({@code ClusterConnection.call}): that one blocks a
 * thread per write, which an open loop of thousands of writes a second cannot afford, and resends after
 * DEADLINE_EXCEEDED, which under overload would hide the overload the bench is there to show.
 */
final class PostSender {

    /** An open loop faster than the cluster piles up writes; past this many outstanding a write fails at once. */
    static final int MAX_OUTSTANDING = 100_000;
    /** Redirects with a hint are immediate; after this many in one write (nodes disagreeing), pause between them. */
    private static final int FREE_REDIRECTS = 3;

    private final BenchChannels channels;
    private final LeaderTracker leader;
    private final ScheduledExecutorService timer;
    private final ClientOptions policy;
    private final Backoff backoff;
    private final RunCounters counters;
    private final LatencyMetric commit;
    private final MeasurementWindow window;
    private final List<String> rooms;
    private final String runId;
    private final int messageBytes;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger measuredOutstanding = new AtomicInteger();
    private volatile boolean abandoned;

    PostSender(BenchChannels channels, LeaderTracker leader, ScheduledExecutorService timer, ClientOptions policy,
               RunCounters counters, LatencyMetric commit, MeasurementWindow window, List<String> rooms,
               String runId, int messageBytes) {
        this.channels = channels;
        this.leader = leader;
        this.timer = timer;
        this.policy = policy;
        this.backoff = new Backoff(policy.backoffMin(), policy.backoffMax());
        this.counters = counters;
        this.commit = commit;
        this.window = window;
        this.rooms = List.copyOf(rooms);
        this.runId = runId;
        this.messageBytes = messageBytes;
    }

    /**
     * Starts write {@code op}. {@code onDone} runs once, when it is acknowledged or has failed for
     * good, unless the sender was {@linkplain #abandon() abandoned} first. Does not block.
     */
    void post(long op, long intendedStartNanos, Runnable onDone) {
        boolean measured = window.contains(intendedStartNanos);
        if (measured) {
            counters.writes.increment();
            counters.sendLagMaxNanos.accumulate(System.nanoTime() - intendedStartNanos);
        }
        if (outstanding.incrementAndGet() > MAX_OUTSTANDING) {
            outstanding.decrementAndGet();
            counters.noteFailure("CLIENT_OVERLOADED", MAX_OUTSTANDING + " writes outstanding; the cluster is not keeping up with the rate");
            if (measured) {
                counters.errors.increment();
            }
            later(onDone, 0);
            return;
        }
        if (measured) {
            measuredOutstanding.incrementAndGet();
        }
        PostRoomMessageRequest request = PostRoomMessageRequest.newBuilder()
                .setIdempotencyKey(runId + "-" + op)
                .setRoom(rooms.get((int) (op % rooms.size())))
                .setText(new MessageText(runId, intendedStartNanos, op).render(messageBytes))
                .build();
        new Write(request, intendedStartNanos, measured, onDone).send(leader.current());
    }

    int outstanding() {
        return outstanding.get();
    }

    /** Waits up to {@code patience} for every write to finish; returns how many are still outstanding. */
    int awaitIdle(Duration patience) throws InterruptedException {
        return InFlight.awaitIdle(outstanding, patience);
    }

    /**
     * Gives up on writes still outstanding: counts the measured ones as errors and ignores whatever
     * happens to any of them from now on.
     */
    void abandon() {
        abandoned = true;
        int unfinished = measuredOutstanding.getAndSet(0);
        if (unfinished > 0) {
            counters.errors.add(unfinished);
            counters.noteFailure("UNFINISHED", unfinished + " writes were still outstanding when the run ended");
        }
    }

    /** The pause before retry number {@code retry} of one write (writes count their own retries: they run on callbacks). */
    private long pauseNanos(int retry) {
        return backoff.pause(retry).toNanos();
    }

    private void later(Runnable task, long delayNanos) {
        try {
            timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shutDown) {
            // The run is over; nothing waits for this any more.
        }
    }

    /** One logical write through all its attempts. Attempts never overlap, so one observer serves them all. */
    private final class Write implements StreamObserver<PostMessageResponse> {
        private final PostRoomMessageRequest request;
        private final long intendedStartNanos;
        private final boolean measured;
        private final Runnable onDone;
        private final long giveUpNanos;
        private String target;
        private int retries;
        private int redirects;

        Write(PostRoomMessageRequest request, long intendedStartNanos, boolean measured, Runnable onDone) {
            this.request = request;
            this.intendedStartNanos = intendedStartNanos;
            this.measured = measured;
            this.onDone = onDone;
            this.giveUpNanos = System.nanoTime() + policy.retryBudget().toNanos();
        }

        void send(String address) {
            if (abandoned) {
                return;
            }
            target = address;
            try {
                channels.async(address)
                        .withDeadlineAfter(policy.callDeadline().toNanos(), TimeUnit.NANOSECONDS)
                        .postRoomMessage(request, this);
            } catch (RuntimeException e) {
                giveUp("CLIENT", "cannot send to " + address + ": " + e.getMessage());
            }
        }

        @Override
        public void onNext(PostMessageResponse response) {
            long now = System.nanoTime();
            if (abandoned) {
                return;
            }
            if (measured) {
                commit.recordNanos(now - intendedStartNanos);
                counters.acked.increment();
            }
            if (window.contains(now)) {
                counters.ackInWindow.increment();
            }
            finish(false);
        }

        @Override
        public void onCompleted() {
            // Unary: onNext has settled it.
        }

        @Override
        public void onError(Throwable failure) {
            if (abandoned) {
                return;
            }
            counters.noteFailure(Failures.kind(failure), Failures.describe(failure));
            switch (Failures.next(failure)) {
                case REDIRECT -> redirect(Failures.notLeader(failure).orElseThrow());
                case RETRY -> retry(failure);
                case GIVE_UP -> giveUp(null, null);
            }
        }

        private void redirect(NotLeader notLeader) {
            if (measured) {
                counters.redirects.increment();
            }
            String hint = notLeader.getLeaderApiAddress();
            redirects++;
            if (!hint.isEmpty() && !hint.equals(target)) {
                leader.follow(target, hint);
                resend(hint, redirects <= FREE_REDIRECTS ? 0 : pauseNanos(redirects - FREE_REDIRECTS));
            } else {
                // No leader known yet (an election is on): ask around after a pause.
                resend(leader.moveOn(target), pauseNanos(redirects));
            }
        }

        private void retry(Throwable failure) {
            if (measured) {
                counters.retries.increment();
            }
            retries++;
            boolean busy = io.grpc.Status.fromThrowable(failure).getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED;
            // A busy leader is still the leader; anything else may mean it is gone.
            String next = busy ? target : leader.moveOn(target);
            resend(next, pauseNanos(retries));
        }

        private void resend(String address, long pauseNanos) {
            if (System.nanoTime() + pauseNanos - giveUpNanos >= 0) {
                giveUp("RETRY_BUDGET", "gave up after " + (retries + redirects + 1) + " attempts in "
                        + DurationText.format(policy.retryBudget()));
            } else if (pauseNanos == 0) {
                send(address);
            } else {
                later(() -> send(address), pauseNanos);
            }
        }

        private void giveUp(String kind, String message) {
            if (kind != null) {
                counters.noteFailure(kind, message);
            }
            if (measured) {
                counters.errors.increment();
            }
            finish(true);
        }

        private void finish(boolean failed) {
            outstanding.decrementAndGet();
            if (measured) {
                measuredOutstanding.decrementAndGet();
            }
            if (failed) {
                // Never inline: a caller that starts the next write from onDone must not recurse on instant failures.
                later(onDone, 0);
            } else {
                onDone.run();
            }
        }
    }
}
