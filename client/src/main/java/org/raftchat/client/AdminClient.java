package org.raftchat.client;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.client.ClusterConnection.Route;
import org.raftchat.config.AdminToken;
import org.raftchat.proto.v1.AdminServiceGrpc;
import org.raftchat.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import org.raftchat.proto.v1.NotLeader;

/**
 * A client of the nodes' admin API, sending the admin token with every call, over a
 * {@link ClusterConnection} (its channels and its belief of who leads).
 *
 * <p>Leader-only calls ({@link #onLeader}) follow "not the leader" hints and skip nodes that refuse
 * connections, since in both cases the node did nothing. Any other failure is final: a membership
 * change or transfer whose answer was lost may have happened, so it is reported, not repeated. (That
 * is why these calls do not go through {@link ClusterConnection#call}: it resends after an outcome
 * it cannot know, which only a write with an idempotency key may do, and admin requests have none.)
 * Calls any node can answer ({@link #onAnyNode}) go to the first node that accepts the connection.
 */
public final class AdminClient implements AutoCloseable {

    private static final Duration PAUSE = Duration.ofMillis(200);

    private final ClusterConnection connection;
    private final BearerCredentials token;

    /** {@code deadline}: the longest one attempt may take; a leader-only call retries within the client's retry budget. */
    public AdminClient(List<String> addresses, AdminToken token, Duration deadline, Function<String, ManagedChannel> channelFactory) {
        Objects.requireNonNull(token, "token");
        this.connection = new ClusterConnection(addresses, ClientOptions.defaults().withCallDeadline(deadline), channelFactory);
        this.token = new BearerCredentials(token.value());
    }

    public <T> T onLeader(String what, Function<AdminServiceBlockingStub, T> call) {
        Duration budget = connection.options().retryBudget();
        long giveUp = System.nanoTime() + budget.toNanos();
        String target = connection.firstTarget(Route.LEADER);
        List<String> failures = new ArrayList<>();
        while (true) {
            try {
                T result = call.apply(stub(target));
                connection.answered(Route.LEADER, target);
                return result;
            } catch (StatusRuntimeException e) {
                Optional<NotLeader> notLeader = GrpcFailures.notLeader(e);
                if (notLeader.isEmpty() && !GrpcFailures.unreachable(e.getStatus())) {
                    throw GrpcFailures.toException(e, what);
                }
                failures.add(target + ": " + GrpcFailures.shortReason(e.getStatus()));
                target = notLeader.isPresent() ? connection.followHint(target, notLeader.get()) : connection.moveOn(target);
            }
            if (System.nanoTime() > giveUp) {
                throw new ChatClientException(Category.UNAVAILABLE, what + ": no leader answered within "
                        + ClusterConnection.format(budget) + " (" + String.join("; ", last(failures)) + ")");
            }
            pause();
        }
    }

    public <T> T onAnyNode(String what, Function<AdminServiceBlockingStub, T> call) {
        List<String> failures = new ArrayList<>();
        for (String address : connection.addresses()) {
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
        return AdminServiceGrpc.newBlockingStub(connection.channel(address))
                .withCallCredentials(token)
                .withDeadlineAfter(connection.options().callDeadline().toMillis(), TimeUnit.MILLISECONDS);
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
        connection.close();
    }
}
