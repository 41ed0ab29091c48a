package org.raftchat.bench;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.raftchat.client.BearerCredentials;
import org.raftchat.client.ClusterConnection;
import org.raftchat.proto.v1.ChatServiceGrpc;

/**
 * The bench's own gRPC channels (plaintext or TLS), one per node address, opened on first use. Callbacks
 * run on the transport's threads (direct executor): the bench's callbacks only record a number
 * and start the next call, and skipping a thread hand-off per call keeps the client's share of
 * two cores small (the nodes run on the same machine). Thread-safe.
 *
 * <p>Why not the client library's {@link ClusterConnection}, as the set-up and the admin client use: its
 * channels hand every callback to gRPC's executor, keep connections alive, let gRPC retry transparently
 * and carry one session; the measured writes, reads and subscriptions want callbacks inline, no retry the
 * bench does not count, and the next simulated user's session on each call.
 */
final class BenchChannels implements AutoCloseable {

    /** Leader hints may name addresses outside the list given; this caps the channels they open. */
    private static final int MAX_CHANNELS = 64;
    /** History pages of 50 messages of up to 60 KiB exceed gRPC's 4 MiB default. */
    private static final int MAX_INBOUND_MESSAGE_BYTES = 16 << 20;

    private final ConcurrentMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final List<CallCredentials> sessions;
    private final AtomicInteger nextSession = new AtomicInteger();
    private final ChannelCredentials credentials;
    private volatile boolean closed;

    /** Plaintext channels. */
    BenchChannels(List<String> tokens) {
        this(tokens, InsecureChannelCredentials.create());
    }

    /**
     * @param tokens      the simulated users' session tokens; each call goes as the next one, round-robin
     * @param credentials how every channel is secured (plaintext or TLS)
     */
    BenchChannels(List<String> tokens, ChannelCredentials credentials) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("tokens: at least one session is needed");
        }
        this.sessions = tokens.stream().<CallCredentials>map(BearerCredentials::new).toList();
        this.credentials = credentials;
    }

    ChatServiceGrpc.ChatServiceStub async(String address) {
        return ChatServiceGrpc.newStub(channel(address)).withCallCredentials(session());
    }

    ChatServiceGrpc.ChatServiceBlockingStub blocking(String address, Duration deadline) {
        return ChatServiceGrpc.newBlockingStub(channel(address)).withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
                .withCallCredentials(session());
    }

    private CallCredentials session() {
        return sessions.get(Math.floorMod(nextSession.getAndIncrement(), sessions.size()));
    }

    private ManagedChannel channel(String address) {
        if (closed) {
            throw new IllegalStateException("channels are closed");
        }
        ManagedChannel channel = channels.get(address);
        if (channel != null) {
            return channel;
        }
        if (channels.size() >= MAX_CHANNELS) {
            throw new IllegalStateException("more than " + MAX_CHANNELS + " node addresses seen; not opening one to " + address);
        }
        return channels.computeIfAbsent(ClusterConnection.requireAddress(address), this::open);
    }

    private ManagedChannel open(String address) {
        return Grpc.newChannelBuilder("dns:///" + address, credentials)
                .directExecutor()
                // The bench retries by its own rules (and counts it); gRPC's transparent retry would buffer every call.
                .disableRetry()
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .userAgent("raftchat-bench")
                .build();
    }

    @Override
    public void close() {
        closed = true;
        List<ManagedChannel> all = new ArrayList<>(channels.values());
        all.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : all) {
            try {
                channel.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
