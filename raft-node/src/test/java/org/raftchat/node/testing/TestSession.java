package org.raftchat.node.testing;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.raftchat.config.NodeSpec;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.LoginResponse;
import org.raftchat.proto.v1.RegisterRequest;

/**
 * A test user's session as gRPC call credentials: on the first call that needs it, registers the
 * user (ALREADY_EXISTS is fine) and logs in, following the leader across nodes like a real client,
 * then sends "authorization: Bearer <token>" on every call. Public calls go without it, so polling
 * GetClusterInfo never waits for a login. Thread-safe.
 */
public final class TestSession extends CallCredentials {

    public static final String PASSWORD = "correct horse battery";
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> PUBLIC_METHODS = Set.of(
            ChatServiceGrpc.getRegisterMethod().getFullMethodName(),
            ChatServiceGrpc.getLoginMethod().getFullMethodName(),
            ChatServiceGrpc.getGetClusterInfoMethod().getFullMethodName());
    private static final Duration BUDGET = Duration.ofSeconds(60);

    private final ClusterAccess cluster;
    private final String username;
    private final String deviceId;
    private CompletableFuture<String> token;
    private volatile LoginResponse lastLogin;

    public TestSession(ClusterAccess cluster, String username, String deviceId) {
        this.cluster = cluster;
        this.username = username;
        this.deviceId = deviceId;
    }

    public TestSession(ClusterAccess cluster, String username) {
        this(cluster, username, "test-device");
    }

    public String username() {
        return username;
    }

    /** The session token, logging in first if needed (blocking). */
    public String token() {
        return tokenFuture().join();
    }

    /** The answer to the latest login (token, nickname, unread counts), logging in first if needed. */
    public LoginResponse loginResponse() {
        token();
        return lastLogin;
    }

    /** Forgets the token, so the next call logs in again (after a logout, say). */
    public synchronized void forget() {
        token = null;
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        if (PUBLIC_METHODS.contains(requestInfo.getMethodDescriptor().getFullMethodName())) {
            applier.apply(new Metadata());
            return;
        }
        tokenFuture().whenComplete((value, error) -> {
            if (error != null) {
                applier.fail(Status.UNAVAILABLE.withDescription("test login of " + username + " failed").withCause(error));
            } else {
                applier.apply(bearer(value));
            }
        });
    }

    public static Metadata bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return headers;
    }

    private synchronized CompletableFuture<String> tokenFuture() {
        if (token == null || token.isCompletedExceptionally()) {
            // Off the caller's thread: a blocking stub's own executor must not run nested calls.
            token = CompletableFuture.supplyAsync(this::registerAndLogIn);
        }
        return token;
    }

    private String registerAndLogIn() {
        List<String> ids = cluster.config().nodes().stream().map(NodeSpec::id).toList();
        String key = "register-" + username + "-" + UUID.randomUUID();
        Attempts attempts = new Attempts(ids);
        attempts.run(stub -> {
            try {
                stub.register(RegisterRequest.newBuilder().setIdempotencyKey(key).setUsername(username).setPassword(PASSWORD).build());
            } catch (RuntimeException e) {
                if (Api.code(e) != Status.Code.ALREADY_EXISTS) {
                    throw e;
                }
            }
            return null;
        });
        LoginResponse login = attempts.run(stub -> stub.login(LoginRequest.newBuilder()
                .setUsername(username).setPassword(PASSWORD).setDeviceId(deviceId).build()));
        lastLogin = login;
        return login.getToken();
    }

    /** Leader-following retries for the two public calls. */
    private final class Attempts {
        private final List<String> ids;
        private String target;

        Attempts(List<String> ids) {
            this.ids = ids;
            this.target = ids.get(0);
        }

        <T> T run(java.util.function.Function<ChatServiceGrpc.ChatServiceBlockingStub, T> call) {
            long deadline = System.nanoTime() + BUDGET.toNanos();
            RuntimeException last = null;
            while (System.nanoTime() < deadline) {
                try {
                    return call.apply(cluster.anonymousStub(target));
                } catch (RuntimeException e) {
                    last = e;
                    Status.Code code = Api.code(e);
                    String hint = Api.leaderHint(e);
                    if (code == Status.Code.FAILED_PRECONDITION && !hint.isEmpty()) {
                        target = cluster.config().nodes().stream().filter(n -> n.apiAddress().equals(hint))
                                .findFirst().orElseThrow().id();
                        continue;
                    }
                    if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED
                            && code != Status.Code.RESOURCE_EXHAUSTED && code != Status.Code.FAILED_PRECONDITION) {
                        throw e;
                    }
                    target = ids.get((ids.indexOf(target) + 1) % ids.size());
                    sleep();
                }
            }
            throw new IllegalStateException(username + ": no node answered within " + BUDGET, last);
        }

        private void sleep() {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
