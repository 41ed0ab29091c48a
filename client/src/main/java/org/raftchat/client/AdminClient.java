package org.raftchat.client;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.config.AdminToken;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.AdminServiceGrpc;
import org.raftchat.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import org.raftchat.proto.v1.NotLeader;

/**
 * A client of the nodes' admin API, sending the admin token with every call.
 *
 * <p>Leader-only calls ({@link #onLeader}) follow "not the leader" hints and skip nodes that refuse
 * connections, since in both cases the node did nothing. Any other failure is final: a membership
 * change or transfer whose answer was lost may have happened, so it is reported, not repeated.
 * Calls any node can answer ({@link #onAnyNode}) go to the first node that accepts the connection.
 */
public final class AdminClient implements AutoCloseable {

    private static final Duration PAUSE = Duration.ofMillis(200);

    private final List<String> addresses;
    private final AdminToken token;
    private final Duration deadline;
    private final Function<String, ManagedChannel> channelFactory;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    public AdminClient(List<String> addresses, AdminToken token, Duration deadline, Function<String, ManagedChannel> channelFactory) {
        this.addresses = List.copyOf(addresses);
        this.token = Objects.requireNonNull(token, "token");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.channelFactory = Objects.requireNonNull(channelFactory, "channelFactory");
    }

    public <T> T onLeader(String what, Function<AdminServiceBlockingStub, T> call) {
        long giveUp = System.nanoTime() + Defaults.CLIENT_RETRY_BUDGET.toNanos();
        String target = addresses.get(0);
        List<String> failures = new ArrayList<>();
        while (true) {
            try {
                return call.apply(stub(target));
            } catch (StatusRuntimeException e) {
                Optional<NotLeader> notLeader = GrpcFailures.notLeader(e);
                if (notLeader.isEmpty() && !GrpcFailures.unreachable(e.getStatus())) {
                    throw GrpcFailures.toException(e, what);
                }
                failures.add(target + ": " + GrpcFailures.shortReason(e.getStatus()));
                String hint = notLeader.map(NotLeader::getLeaderApiAddress).orElse("");
                target = !hint.isEmpty() && !hint.equals(target) ? hint : next(target);
            }
            if (System.nanoTime() > giveUp) {
                throw new ChatClientException(Category.UNAVAILABLE, what + ": no leader answered within "
                        + ClusterConnection.format(Defaults.CLIENT_RETRY_BUDGET) + " (" + String.join("; ", last(failures)) + ")");
            }
            pause();
        }
    }

    public <T> T onAnyNode(String what, Function<AdminServiceBlockingStub, T> call) {
        List<String> failures = new ArrayList<>();
        for (String address : addresses) {
            try {
                return call.apply(stub(address));
            } catch (StatusRuntimeException e) {
                if (!GrpcFailures.unreachable(e.getStatus())) {
                    throw GrpcFailures.toException(e, what);
                }
                failures.add(address + ": " + GrpcFailures.shortReason(e.getStatus()));
            }
        }
        throw new ChatClientException(Category.UNAVAILABLE, what + ": no node reachable (" + String.join("; ", failures)
                + "): is the cluster running?");
    }

    private AdminServiceBlockingStub stub(String address) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token.value());
        return AdminServiceGrpc.newBlockingStub(channels.computeIfAbsent(address, channelFactory))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private String next(String address) {
        int i = addresses.indexOf(address);
        return addresses.get((i + 1) % addresses.size());
    }

    private static List<String> last(List<String> failures) {
        return failures.subList(Math.max(0, failures.size() - 3), failures.size());
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatClientException(Category.CANCELLED, "interrupted", e);
        }
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
