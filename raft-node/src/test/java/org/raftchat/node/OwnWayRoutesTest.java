package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.node.WritePathTest.statusOf;

import io.grpc.Context;
import io.grpc.Status.Code;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.config.Defaults;
import org.raftchat.config.Limits;
import org.raftchat.config.SessionPolicy;
import org.raftchat.proto.v1.ChangePasswordRequest;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.HeartbeatRequest;
import org.raftchat.proto.v1.HeartbeatResponse;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.statemachine.ApplyResult;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.LoginFailures;

/**
 * The writes that go their own way, without Raft: bad input is refused with INVALID_ARGUMENT before
 * the node asks who leads or who calls, counts a login attempt or proposes anything; a password
 * change is throttled by the client address its call came from, though it is checked on another
 * thread; a heartbeat that brings a session online proposes it and answers.
 */
class OwnWayRoutesTest {

    private static final Caller ANN = new Caller("ann", "laptop", new byte[] {1, 2, 3});

    @TempDir
    Path dir;

    private final List<Command> proposed = new ArrayList<>();
    private final AtomicInteger leaderChecks = new AtomicInteger();
    private final AtomicInteger callerLookups = new AtomicInteger();
    private final List<String> throttledAddresses = new ArrayList<>();
    private CompletableFuture<Caller> caller = CompletableFuture.completedFuture(ANN);
    private ChatStateMachine state;
    private PasswordWork passwordWork;
    private LoginThrottle throttle;
    private OwnWayRoutes routes;

    @BeforeEach
    void start() {
        state = ChatStateMachine.open(dir.resolve("state"));
        passwordWork = new PasswordWork(1, 8, Thread::new);
        throttle = new LoginThrottle(Limits.defaults().loginThrottling(), (user, address) -> {
            synchronized (throttledAddresses) {
                throttledAddresses.add(address);
            }
            return new LoginFailures(0, 0, 0, 0);
        }, System::currentTimeMillis);
        SecureRandom random = new SecureRandom();
        routes = new OwnWayRoutes(new RequestValidator(Limits.defaults()),
                command -> {
                    proposed.add(command.build());
                    return CompletableFuture.completedFuture(new ApplyResult.PresenceUpdated(1));
                },
                () -> CompletableFuture.completedFuture(null), state, new Passwords(random, 1_000),
                new SessionTokens(random, Defaults.SESSION_TOKEN_BYTES), leaderChecks::incrementAndGet,
                () -> {
                    callerLookups.incrementAndGet();
                    return caller;
                },
                throttle, new IdempotencyStamp(Defaults.IDEMPOTENCY_WINDOW_MS), passwordWork, Runnable::run,
                SessionPolicy.defaults(), new HeardSessions(System::nanoTime));
    }

    @AfterEach
    void stop() {
        passwordWork.close();
        state.close();
    }

    @Test
    void badInputIsRefusedWithInvalidArgumentAndChangesNothing() {
        Map<String, Supplier<CompletableFuture<?>>> bad = Map.of(
                "register: no idempotency key", () -> routes.register.serve(
                        RegisterRequest.newBuilder().setUsername("ann").setPassword("secret-enough").build()),
                "register: a bad name", () -> routes.register.serve(RegisterRequest.newBuilder().setIdempotencyKey("k1")
                        .setUsername("a/b").setPassword("secret-enough").build()),
                "login: no username", () -> routes.login.serve(
                        LoginRequest.newBuilder().setPassword("secret-enough").setDeviceId("laptop").build()),
                "change password: no idempotency key", () -> routes.changePassword.serve(ChangePasswordRequest.newBuilder()
                        .setOldPassword("secret-enough").setNewPassword("secret-enougher").build()),
                "change password: no new password", () -> routes.changePassword.serve(ChangePasswordRequest.newBuilder()
                        .setIdempotencyKey("k1").setOldPassword("secret-enough").build()));

        bad.forEach((what, call) -> assertThat(statusOf(call)).as(what).isEqualTo(Code.INVALID_ARGUMENT));
        assertThat(proposed).isEmpty();
        assertThat(leaderChecks).hasValue(0);
        assertThat(callerLookups).hasValue(0);
        assertThat(throttledAddresses).isEmpty();
    }

    @Test
    void aPasswordChangeIsThrottledByTheAddressOfItsCallThoughTheSessionResolvesOnAnotherThread() throws Exception {
        caller = new CompletableFuture<>();
        ChangePasswordRequest change = ChangePasswordRequest.newBuilder().setIdempotencyKey("k1")
                .setOldPassword("secret-enough").setNewPassword("secret-enougher").build();

        CompletableFuture<?> answer = Context.current().withValue(ClientAddress.ADDRESS, "10.1.2.3")
                .call(() -> routes.changePassword.serve(change));
        // The session resolves later, outside the call's Context (as after a read barrier on another thread).
        caller.complete(ANN);

        // No such user in this state: the check is refused after the throttle has counted the attempt.
        assertThat(statusOf(() -> answer)).isEqualTo(Code.NOT_FOUND);
        assertThat(throttledAddresses).isNotEmpty().containsOnly("10.1.2.3");
        assertThat(throttle.inFlight()).isZero();
    }

    @Test
    void aHeartbeatThatBringsASessionOnlineProposesItAndAnswers() {
        HeartbeatResponse answer = routes.heartbeat.serve(HeartbeatRequest.getDefaultInstance()).join();

        assertThat(answer).isEqualTo(HeartbeatResponse.getDefaultInstance());
        assertThat(proposed).singleElement().satisfies(command ->
                assertThat(command.getHeartbeat().getTokenSha256().toByteArray()).isEqualTo(ANN.tokenSha256()));
        assertThat(leaderChecks).hasValue(1);
    }
}
