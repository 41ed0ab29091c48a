package org.raftchat.bench;

import io.grpc.ChannelCredentials;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.client.ClientOptions;
import org.raftchat.proto.v1.HeartbeatRequest;
import org.raftchat.proto.v1.HeartbeatResponse;
import org.raftchat.proto.v1.NotLeader;

/**
 * Users who are only online: each logged in before the load and heartbeating to the leader at the
 * product client's interval ({@link org.raftchat.config.Defaults#HEARTBEAT_INTERVAL}), as an idle
 * chat window does. Heartbeats are spread evenly over the interval (round-robin over the sessions,
 * so each session beats once per interval), counted on their own and never mixed into the commit
 * latency. A heartbeat that reaches a follower is resent once to the leader it names; any other
 * failure is an error, not retried (the next beat comes anyway).
 */
final class OnlineSessions implements AutoCloseable {

    static final String USER_PREFIX = "bench-online-";
    /**
     * Logins in parallel. Register and login each hash the password on the leader (100,000 PBKDF2
     * rounds, about 60 ms of a core), so 2,000 sessions cost the leader minutes of CPU however they
     * are sent; more threads would only queue on its cores and run into call deadlines.
     */
    static final int SETUP_THREADS = 4;
    /** A set-up call may wait behind the other threads' password hashes on a busy machine. */
    static final Duration SETUP_CALL_DEADLINE = Duration.ofSeconds(15);
    static final Duration SETUP_RETRY_BUDGET = Duration.ofSeconds(60);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final BenchChannels channels;
    private final LeaderTracker leader;
    private final Duration interval;
    private final Duration callDeadline;
    private final int sessions;
    private final MeasurementWindow window;
    final LongAdder sent = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder errors = new LongAdder();
    private final RunCounters counters;
    private double owed;
    private ScheduledFuture<?> ticking;

    OnlineSessions(List<String> tokens, ChannelCredentials credentials, LeaderTracker leader, Duration interval,
                   Duration callDeadline, MeasurementWindow window, RunCounters counters) {
        this.channels = new BenchChannels(tokens, credentials);
        this.sessions = tokens.size();
        this.leader = leader;
        this.interval = interval;
        this.callDeadline = callDeadline;
        this.window = window;
        this.counters = counters;
    }

    /**
     * Registers (if new) and logs in users {@code bench-online-0 .. count-1}, {@value #SETUP_THREADS}
     * at a time, each thread with its own client. Returns their session tokens.
     */
    static List<String> logIn(List<String> addresses, ChannelCredentials credentials, int count)
            throws InterruptedException {
        ClientOptions options = ClientOptions.defaults().withCallDeadline(SETUP_CALL_DEADLINE).withRetryBudget(SETUP_RETRY_BUDGET);
        ExecutorService pool = Executors.newFixedThreadPool(SETUP_THREADS);
        try {
            List<Future<List<String>>> parts = new ArrayList<>();
            for (int t = 0; t < SETUP_THREADS; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    List<String> tokens = new ArrayList<>();
                    try (ChatClient client = new ChatClient(addresses, options, credentials)) {
                        for (int i = first; i < count; i += SETUP_THREADS) {
                            tokens.add(logIn(client, USER_PREFIX + i));
                        }
                    }
                    return tokens;
                }));
            }
            List<String> tokens = new ArrayList<>(count);
            for (Future<List<String>> part : parts) {
                tokens.addAll(part.get());
            }
            return tokens;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ChatClientException failure) {
                throw new ChatClientException(failure.category(), "logging the online sessions in: " + failure.getMessage());
            }
            throw new IllegalStateException("logging the online sessions in", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static String logIn(ChatClient client, String user) {
        try {
            client.register(user, BenchUsers.PASSWORD);
        } catch (ChatClientException e) {
            if (e.category() != Category.ALREADY_EXISTS) {
                throw e;
            }
        }
        return client.login(user, BenchUsers.PASSWORD, "bench-online").getToken();
    }

    /** Starts beating on {@code timer} from now until {@code endNanos}. */
    void start(ScheduledExecutorService timer, long endNanos) {
        double perTick = (double) sessions * TICK_NANOS / interval.toNanos();
        ticking = timer.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - endNanos >= 0) {
                ticking.cancel(false);
                return;
            }
            owed += perTick;
            for (; owed >= 1; owed--) {
                beat(leader.current(), true);
            }
        }, 0, TICK_NANOS, TimeUnit.NANOSECONDS);
    }

    int sessions() {
        return sessions;
    }

    private void beat(String address, boolean mayRedirect) {
        boolean measured = window.contains(System.nanoTime());
        if (measured) {
            sent.increment();
        }
        try {
            channels.async(address).withDeadlineAfter(callDeadline.toNanos(), TimeUnit.NANOSECONDS)
                    .heartbeat(HeartbeatRequest.getDefaultInstance(), new StreamObserver<HeartbeatResponse>() {
                        @Override
                        public void onNext(HeartbeatResponse value) {
                            if (measured) {
                                acked.increment();
                            }
                        }

                        @Override
                        public void onError(Throwable failure) {
                            failed(address, failure, measured, mayRedirect);
                        }

                        @Override
                        public void onCompleted() {
                            // Unary: onNext has settled it.
                        }
                    });
        } catch (RuntimeException e) {
            if (measured) {
                errors.increment();
            }
        }
    }

    private void failed(String address, Throwable failure, boolean measured, boolean mayRedirect) {
        counters.noteFailure("HEARTBEAT_" + Failures.kind(failure), Failures.describe(failure));
        NotLeader notLeader = Failures.notLeader(failure).orElse(null);
        if (mayRedirect && notLeader != null && !notLeader.getLeaderApiAddress().isEmpty()) {
            leader.follow(address, notLeader.getLeaderApiAddress());
            if (measured) {
                sent.decrement(); // the resend counts instead
            }
            beat(notLeader.getLeaderApiAddress(), false);
            return;
        }
        if (io.grpc.Status.fromThrowable(failure).getCode() == io.grpc.Status.Code.UNAVAILABLE) {
            // The leader may be gone; a busy one (RESOURCE_EXHAUSTED) is still the leader.
            leader.moveOn(address);
        }
        if (measured) {
            errors.increment();
        }
    }

    @Override
    public void close() {
        if (ticking != null) {
            ticking.cancel(false);
        }
        channels.close();
    }
}
