package org.raftchat.client;

import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.ClusterInfo;
import org.raftchat.proto.v1.NotLeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry core under {@link ChatClient}: one gRPC channel per node address, the node believed
 * to lead, the session calls go as, and the rules for retrying a call on another node.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>{@link #call} sends a request again (with the same idempotency key, which the caller
 *       put in it) after UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED or not-leader, on the
 *       leader hint or the next node, with jittered exponential backoff, until
 *       {@link ClientOptions#retryBudget()} is spent; every attempt has
 *       {@link ClientOptions#callDeadline()}. Other failures are final and not retried.</li>
 *   <li>Failures surface as {@link ChatClientException} with a {@link Category}.</li>
 *   <li>Thread-safe. Channels are created on first use; {@link #close()} closes the
 *       subscriptions opened over this connection, then the channels.</li>
 * </ul>
 */
public final class ClusterConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterConnection.class);

    /** Leader hints may name nodes outside the configured list; this caps the channels they can open. */
    private static final int MAX_EXTRA_CHANNELS = 16;
    /** A full history page (1000 messages of up to 4 KiB) exceeds gRPC's 4 MiB default. */
    private static final int MAX_INBOUND_MESSAGE_BYTES = 16 << 20;
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):(\\d{1,5})");

    private final List<String> addresses;
    private final ClientOptions options;
    private final Function<String, ManagedChannel> channelFactory;
    private final ConcurrentMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Set<ResumingSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    private final Object lifecycle = new Object();

    /** The node we believe leads; null when unknown. Writes go here first. */
    private volatile String leader;
    /** The node that last answered; reads and subscriptions go here first. */
    private volatile String current;
    private volatile boolean closed;
    /** The session calls go as; null before login. */
    private volatile BearerCredentials credentials;

    /** {@code channelFactory} builds the channel for one "host:port" address (tests: an in-process channel). */
    ClusterConnection(List<String> addresses, ClientOptions options, Function<String, ManagedChannel> channelFactory) {
        Objects.requireNonNull(addresses, "addresses");
        this.addresses = List.copyOf(new LinkedHashSet<>(addresses.stream().map(ClusterConnection::requireAddress).toList()));
        if (this.addresses.isEmpty()) {
            throw new IllegalArgumentException("addresses: at least one host:port is required");
        }
        this.options = Objects.requireNonNull(options, "options");
        this.channelFactory = Objects.requireNonNull(channelFactory, "channelFactory");
        this.current = this.addresses.get(0);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raftchat-client-reconnect");
            t.setDaemon(true);
            return t;
        });
    }

    /** Checks "host:port" (IPv6 in brackets) and returns it unchanged. */
    public static String requireAddress(String address) {
        Objects.requireNonNull(address, "address");
        var m = HOST_PORT.matcher(address.trim());
        if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65_535) {
            throw new IllegalArgumentException("'" + address + "' is not host:port (e.g. 127.0.0.1:9101)");
        }
        return address.trim();
    }

    public List<String> addresses() {
        return addresses;
    }

    public ClientOptions options() {
        return options;
    }

    /** The API address of the node this connection believes leads, if it has learned one. */
    public Optional<String> believedLeader() {
        return Optional.ofNullable(leader);
    }

    /** Calls go as this session from now on ("authorization: Bearer token"); null calls anonymously. */
    public void useSession(String token) {
        this.credentials = token == null ? null : new BearerCredentials(token);
    }

    /**
     * Closes subscriptions and channels. Calls in flight, and calls made afterwards, fail with
     * {@link Category#CANCELLED}. Idempotent.
     */
    @Override
    public void close() {
        List<ManagedChannel> toClose;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(channels.values());
        }
        subscriptions.forEach(ResumingSubscription::close);
        scheduler.shutdownNow();
        toClose.forEach(ManagedChannel::shutdown);
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        for (ManagedChannel channel : toClose) {
            try {
                if (!channel.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- the retry loop ----

    /** Where a call goes first: writes to the believed leader, reads to the node that last answered. */
    public enum Route { LEADER, ANY }

    /**
     * Sends one logical call: {@code rpc} on a stub for the chosen node, again on the next node
     * (see the class comment) until it answers, fails finally, or the retry budget is spent.
     * {@code key}: the write's idempotency key (null for reads), only for messages.
     */
    <T> T call(String what, Route route, IdempotencyKey key, Function<ChatServiceGrpc.ChatServiceBlockingStub, T> rpc) {
        ensureOpen();
        Attempts attempts = new Attempts(what, key);
        Backoff backoff = new Backoff(options.backoffMin(), options.backoffMax());
        long deadlineNanos = System.nanoTime() + options.retryBudget().toNanos();
        // Nodes tried since the last pause: moving on to an untried node needs no pause, coming back does.
        Set<String> triedSincePause = new HashSet<>();
        String target = firstTarget(route);
        while (true) {
            long remainingNanos = deadlineNanos - System.nanoTime();
            if (remainingNanos <= 0) {
                throw attempts.exhausted(options.retryBudget());
            }
            triedSincePause.add(target);
            try {
                Duration attemptDeadline = Duration.ofNanos(Math.min(options.callDeadline().toNanos(), remainingNanos));
                T result = rpc.apply(stub(target, attemptDeadline));
                answered(route, target);
                return result;
            } catch (StatusRuntimeException e) {
                attempts.record(target, e.getStatus(), reached(target, e.getStatus()));
                String next = nextTarget(route, target, e, what);
                log.debug("{}: attempt {} on {} failed ({}); next: {}{}", what, attempts.count, target,
                        GrpcFailures.describe(e.getStatus()), next, key == null ? "" : " with key " + key);
                if (triedSincePause.contains(next)) {
                    pause(backoff.next(), deadlineNanos, attempts);
                    triedSincePause.clear();
                }
                target = next;
            }
        }
    }

    /** Where to send the same request next, or a final {@link ChatClientException}. */
    private String nextTarget(Route route, String target, StatusRuntimeException e, String what) {
        Status.Code code = e.getStatus().getCode();
        Optional<NotLeader> notLeader = GrpcFailures.notLeader(e);
        if (notLeader.isPresent()) {
            return followHint(target, notLeader.get());
        }
        if (GrpcFailures.limitReached(e)) {
            throw new ChatClientException(Category.REJECTED, e.getStatus().getDescription(), e);
        }
        if (!GrpcFailures.retryable(code)) {
            throw GrpcFailures.toException(e, what);
        }
        if (code == Status.Code.RESOURCE_EXHAUSTED && route == Route.LEADER) {
            return target; // the leader is busy, not gone: only it can take the write
        }
        return moveOn(target);
    }

    // ---- leader tracking, shared with the AdminClient's own retry rule ----

    /** Where a call goes first: writes to the believed leader, reads (and writes while none is known) to the node that last answered. */
    String firstTarget(Route route) {
        return route == Route.LEADER && leader != null ? leader : current;
    }

    /** {@code target} answered a call sent by {@code route}: the next read starts there, and a write's answerer leads. */
    void answered(Route route, String target) {
        current = target;
        if (route == Route.LEADER) {
            leader = target;
        }
    }

    /** {@code target} said it does not lead: go to the leader it names, if that is usable, else to the next node. */
    String followHint(String target, NotLeader notLeader) {
        String hint = notLeader.getLeaderApiAddress();
        if (!hint.isEmpty() && !hint.equals(target) && acceptableHint(hint)) {
            leader = hint;
            return hint;
        }
        return moveOn(target);
    }

    /** {@code target} failed in a way that may mean it is gone: it is no longer believed to lead; the next node is tried. */
    String moveOn(String target) {
        forgetLeader(target);
        return nextAddress(target);
    }

    private boolean acceptableHint(String hint) {
        try {
            requireAddress(hint);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        return addresses.contains(hint) || channels.containsKey(hint)
                || channels.size() < addresses.size() + MAX_EXTRA_CHANNELS;
    }

    /**
     * Whether a failed attempt got as far as a node. Only for wording the give-up message: a
     * channel that is not READY after UNAVAILABLE or DEADLINE_EXCEEDED never connected (nothing
     * listens, or the host is cut off).
     */
    private boolean reached(String address, Status status) {
        if (GrpcFailures.unreachable(status)) {
            return false;
        }
        if (status.getCode() != Status.Code.UNAVAILABLE && status.getCode() != Status.Code.DEADLINE_EXCEEDED) {
            return true;
        }
        ManagedChannel channel = channels.get(address);
        return channel == null || channel.getState(false) == ConnectivityState.READY;
    }

    private void forgetLeader(String target) {
        if (target.equals(leader)) {
            leader = null;
        }
    }

    private void pause(Duration pause, long deadlineNanos, Attempts attempts) {
        if (System.nanoTime() + pause.toNanos() >= deadlineNanos) {
            throw attempts.exhausted(options.retryBudget());
        }
        try {
            Thread.sleep(pause.toMillis(), pause.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatClientException(Category.CANCELLED, attempts.what + ": interrupted while retrying", e);
        }
    }

    /** What the attempts of one logical call saw, to explain a give-up in words a user can act on. */
    private final class Attempts {
        final String what;
        final IdempotencyKey key;
        final Set<String> tried = new LinkedHashSet<>();
        int count;
        boolean anyReached;
        boolean maybeStored;
        String lastAddress;
        Status lastStatus;

        Attempts(String what, IdempotencyKey key) {
            this.what = what;
            this.key = key;
        }

        void record(String address, Status status, boolean reached) {
            count++;
            tried.add(address);
            lastAddress = address;
            lastStatus = status;
            anyReached |= reached;
            maybeStored |= key != null && GrpcFailures.outcomeUnknown(status);
        }

        ChatClientException exhausted(Duration budget) {
            String message;
            if (count == 0) {
                message = what + ": no attempt fit in the retry budget of " + format(budget);
            } else if (!anyReached) {
                message = "no node reachable at " + String.join(", ", tried) + ": is the cluster running? (./raftchat-dev up)";
            } else {
                message = what + ": gave up after " + count + " attempt" + (count == 1 ? "" : "s") + " in "
                        + format(budget) + "; last answer from " + lastAddress + ": " + GrpcFailures.describe(lastStatus)
                        + (maybeStored ? "" : ". Is a majority of the nodes up? (raftchat status)");
            }
            if (maybeStored) {
                message += ". The write may or may not be stored; retrying it with idempotency key " + key
                        + " stores it at most once";
            }
            return new ChatClientException(Category.UNAVAILABLE, message);
        }
    }

    // ---- plumbing shared with the API and subscriptions ----

    ChatServiceGrpc.ChatServiceBlockingStub stub(String address, Duration deadline) {
        ChatServiceGrpc.ChatServiceBlockingStub stub = ChatServiceGrpc.newBlockingStub(channel(address))
                .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
        BearerCredentials session = credentials;
        return session == null ? stub : stub.withCallCredentials(session);
    }

    ChatServiceGrpc.ChatServiceStub asyncStub(String address) {
        ChatServiceGrpc.ChatServiceStub stub = ChatServiceGrpc.newStub(channel(address));
        BearerCredentials session = credentials;
        return session == null ? stub : stub.withCallCredentials(session);
    }

    /** The configured address after {@code address}, wrapping around; the first one for unknown addresses. */
    public String nextAddress(String address) {
        int i = addresses.indexOf(address);
        return addresses.get((i + 1) % addresses.size());
    }

    /** Records that {@code address} served a call, so the next read or subscription starts there. */
    void answeredBy(String address) {
        current = address;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    void forget(ResumingSubscription subscription) {
        subscriptions.remove(subscription);
    }

    /** The channel to {@code address}, opened on first use (the admin API's stubs go over it too). */
    ManagedChannel channel(String address) {
        ensureOpen();
        ManagedChannel channel = channels.get(address);
        if (channel == null) {
            synchronized (lifecycle) {
                ensureOpen();
                channel = channels.computeIfAbsent(address, channelFactory);
            }
        }
        // gRPC waits up to minutes between reconnects to a failed node; our own backoff already paces us.
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
        }
        return channel;
    }

    void learnLeader(ClusterInfo info) {
        String hint = info.getLeaderApiAddress();
        if (!hint.isEmpty() && acceptableHint(hint)) {
            leader = hint;
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new ChatClientException(Category.CANCELLED, "the client is closed");
        }
    }

    public static ManagedChannel newChannel(String address, ChannelCredentials credentials) {
        return Grpc.newChannelBuilder("dns:///" + address, credentials)
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .userAgent("raftchat-cli")
                .keepAliveTime(Defaults.KEEPALIVE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(Defaults.KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .build();
    }

    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** A stub for {@code address} with the session's credentials and no deadline (for long streams). */
    ChatServiceGrpc.ChatServiceBlockingStub blockingStub(String address) {
        ChatServiceGrpc.ChatServiceBlockingStub stub = ChatServiceGrpc.newBlockingStub(channel(address));
        BearerCredentials session = credentials;
        return session == null ? stub : stub.withCallCredentials(session);
    }

    /** The node the connection last talked to (where a stream is best opened). */
    String currentAddress() {
        return current;
    }

    /** Keeps {@code subscription} to close with the connection. */
    void track(ResumingSubscription subscription) {
        subscriptions.add(subscription);
    }
}
