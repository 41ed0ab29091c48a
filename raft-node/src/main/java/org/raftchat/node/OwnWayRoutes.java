package org.raftchat.node;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.raftchat.config.SessionPolicy;
import org.raftchat.proto.v1.ChangePassword;
import org.raftchat.proto.v1.ChangePasswordRequest;
import org.raftchat.proto.v1.ChangePasswordResponse;
import org.raftchat.proto.v1.ClearLoginFailures;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.Heartbeat;
import org.raftchat.proto.v1.HeartbeatRequest;
import org.raftchat.proto.v1.HeartbeatResponse;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.LoginResponse;
import org.raftchat.proto.v1.OpenSession;
import org.raftchat.proto.v1.RecordLoginFailure;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.proto.v1.RegisterResponse;
import org.raftchat.proto.v1.RegisterUser;
import org.raftchat.statemachine.ApplyResult;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.UserInfo;

/**
 * The writes that cannot take {@link WritePath}'s way, one {@link OwnWayRoute} each, with why at
 * each route: register, log in and change password (they handle secrets) and the heartbeat. Secrets
 * are handled here, on the leader, before anything is proposed: the password hash and the session
 * token are random-salted or random, and only the hash and the token's digest enter the log. Every
 * password hash and check runs on {@link PasswordWork}'s bounded pool, never on the transport thread
 * or the pool read barriers use.
 */
final class OwnWayRoutes {

    /** What an online session's heartbeat comes to without a proposal: no session's presence changed. */
    private static final ApplyResult.PresenceUpdated NOTHING_CHANGED = new ApplyResult.PresenceUpdated(0);

    private final RequestValidator validator;
    private final WritePath.Proposals proposals;
    private final ReadBarrier reads;
    private final ChatStateMachine stateMachine;
    private final Passwords passwords;
    private final SessionTokens tokens;
    private final LeaderGate leaderGate;
    private final Supplier<CompletableFuture<Caller>> callers;
    private final LoginThrottle loginThrottle;
    private final IdempotencyStamp idempotency;
    private final PasswordWork passwordWork;
    private final Executor executor;
    private final SessionPolicy sessionPolicy;
    private final HeardSessions heardSessions;

    /**
     * @param callers  the session of the call being served (read on the call's thread: the token is in its Context)
     * @param executor where a login's answer is made (it reads local state: not on the apply thread)
     */
    OwnWayRoutes(RequestValidator validator, WritePath.Proposals proposals, ReadBarrier reads, ChatStateMachine stateMachine,
                 Passwords passwords, SessionTokens tokens, LeaderGate leaderGate, Supplier<CompletableFuture<Caller>> callers,
                 LoginThrottle loginThrottle, IdempotencyStamp idempotency, PasswordWork passwordWork, Executor executor,
                 SessionPolicy sessionPolicy, HeardSessions heardSessions) {
        this.validator = validator;
        this.proposals = proposals;
        this.reads = reads;
        this.stateMachine = stateMachine;
        this.passwords = passwords;
        this.tokens = tokens;
        this.leaderGate = leaderGate;
        this.callers = callers;
        this.loginThrottle = loginThrottle;
        this.idempotency = idempotency;
        this.passwordWork = passwordWork;
        this.executor = executor;
        this.sessionPolicy = sessionPolicy;
        this.heardSessions = heardSessions;
    }

    /**
     * Not a WriteRoute: there is no session yet (no caller), the key belongs to the name being
     * registered, and the command exists only once the password is hashed on the password pool.
     */
    final OwnWayRoute<RegisterRequest, Registration, ApplyResult.UserRegistered, RegisterResponse> register = new OwnWayRoute<>(
            this::checkRegister, this::register,
            ApplyResult.UserRegistered.class, (registration, registered) ->
                    RegisterResponse.newBuilder().setUsername(registered.username()).build());

    /**
     * Not a WriteRoute: no session and no idempotency key (a retried login opens a fresh session for
     * the device, which ends the one whose answer was lost); a throttled password check decides
     * between a recorded failure and the session's proposals; the answer carries the token.
     */
    final OwnWayRoute<LoginRequest, LoginAttempt, ApplyResult.SessionOpened, LoginResponse> login = new OwnWayRoute<>(
            this::checkLogin, this::logIn,
            ApplyResult.SessionOpened.class, this::loggedIn);

    /**
     * Not a WriteRoute: the old password is checked like a login (throttled, against state read after a
     * barrier) before the command can be made, and a wrong one is proposed as a login failure instead.
     */
    final OwnWayRoute<ChangePasswordRequest, PasswordChange, ApplyResult.PasswordChanged, ChangePasswordResponse> changePassword =
            new OwnWayRoute<>(this::checkChangePassword, this::changePassword,
                    ApplyResult.PasswordChanged.class, (change, changed) ->
                            ChangePasswordResponse.newBuilder().setSessionsEnded(changed.sessionsEnded()).build());

    /**
     * Not a WriteRoute: no idempotency key (a repeat has the same effect), and it proposes only when
     * the session comes (back) online; an online session's heartbeat waits for the leader's next
     * presence tick (see {@link HeardSessions}).
     */
    final OwnWayRoute<HeartbeatRequest, HeartbeatRequest, ApplyResult.PresenceUpdated, HeartbeatResponse> heartbeat =
            new OwnWayRoute<>(request -> request, this::heartbeat,
                    ApplyResult.PresenceUpdated.class, (request, updated) -> HeartbeatResponse.getDefaultInstance());

    // ---- the checked requests (their toString leaves the secrets out) ----

    record Registration(String key, String username, String password) {
        @Override
        public String toString() {
            return "Registration[" + username + "]";
        }
    }

    record LoginAttempt(String username, String password, String deviceId, String clientAddress, String secret) {
        @Override
        public String toString() {
            return "LoginAttempt[" + username + " on " + deviceId + " from " + clientAddress + "]";
        }
    }

    record PasswordChange(String key, String oldPassword, String newPassword, String clientAddress) {
        @Override
        public String toString() {
            return "PasswordChange[from " + clientAddress + "]";
        }
    }

    // ---- the checks, on the call's thread ----

    private Registration checkRegister(RegisterRequest request) {
        String key = validator.idempotencyKey(request.getIdempotencyKey());
        return new Registration(key, validator.username(request.getUsername()), validator.password(request.getPassword()));
    }

    /** The token's secret is made here; only its digest is proposed, and the client gets it once the session applied. */
    private LoginAttempt checkLogin(LoginRequest request) {
        return new LoginAttempt(validator.name("username", request.getUsername()), validator.password(request.getPassword()),
                validator.deviceId(request.getDeviceId()), ClientAddress.current(), tokens.newSecret());
    }

    private PasswordChange checkChangePassword(ChangePasswordRequest request) {
        String key = validator.idempotencyKey(request.getIdempotencyKey());
        String oldPassword = validator.password("old_password", request.getOldPassword());
        String newPassword = validator.password("new_password", request.getNewPassword());
        // Read here, on the call's thread: the way goes on on another thread once the session is resolved,
        // where the gRPC context that holds the address is not attached (the throttle would count "unknown").
        return new PasswordChange(key, oldPassword, newPassword, ClientAddress.current());
    }

    // ---- the ways ----

    private CompletableFuture<ApplyResult> register(Registration registration) {
        leaderGate.requireLeader();
        String username = registration.username();
        // The key belongs to the name being registered; the request is the name and the password, which
        // enters the fingerprint only through a slow hash (the random-salted one differs on every retry).
        return passwordWork.submit(() -> idempotency.keyed(Command.newBuilder()
                        .setRegisterUser(RegisterUser.newBuilder()
                                .setUsername(username).setPasswordHash(passwords.hash(registration.password()))),
                        username, registration.key(), username, passwords.fingerprint(username, registration.password())))
                .thenCompose(proposals::propose);
    }

    /**
     * A wrong password is recorded in the log (RecordLoginFailure, leader-stamped) before it is
     * answered, so the lock-out is replicated; a correct one clears the pair's failures and proposes the session.
     */
    private CompletableFuture<ApplyResult> logIn(LoginAttempt login) {
        leaderGate.requireLeader();
        return throttled(login.username(), login.clientAddress(), () -> {
            Optional<UserInfo> user = stateMachine.user(login.username());
            if (!passwords.matches(login.password(), user.map(UserInfo::passwordHash).orElse(null))) {
                return recordFailure(login.username(), login.clientAddress(), GrpcErrors.wrongCredentials());
            }
            return clearFailures(login.username(), login.clientAddress()).thenCompose(cleared -> openSession(login));
        });
    }

    /**
     * Hashes the new password on the pool and proposes the change with the hash it checked: apply refuses
     * it if another change got there first. Every other session of the caller ends; the calling one stays.
     * A retry after the change committed (the old password no longer matches, the new one does) returns
     * the original result.
     */
    private CompletableFuture<ApplyResult> changePassword(PasswordChange change) {
        return asWriter(caller -> throttled(caller.username(), change.clientAddress(), () -> {
            String username = caller.username();
            String storedHash = stateMachine.user(username).map(UserInfo::passwordHash)
                    .orElseThrow(() -> GrpcErrors.userNotFound(username));
            ChangePassword.Builder body = ChangePassword.newBuilder().setUsername(username).setPreviousPasswordHash(storedHash)
                    .setKeepTokenSha256(ByteString.copyFrom(caller.tokenSha256()));
            if (passwords.matches(change.oldPassword(), storedHash)) {
                return proposeChange(body.setNewPasswordHash(passwords.hash(change.newPassword())), change, username);
            }
            if (passwords.matches(change.newPassword(), storedHash)) {
                // A retry of a change that committed (its answer was lost): the same idempotency key gets
                // the original result in apply; the hash stays what it is.
                return proposeChange(body.setNewPasswordHash(storedHash), change, username);
            }
            // A wrong old password counts like a wrong login: a stolen session cannot guess its way on.
            return recordFailure(username, change.clientAddress(), GrpcErrors.wrongOldPassword());
        }));
    }

    private CompletableFuture<ApplyResult> heartbeat(HeartbeatRequest request) {
        return asWriter(caller -> {
            if (stateMachine.sessionOnline(caller.tokenSha256())) {
                // Already online: the leader's next presence tick records it (see HeardSessions).
                heardSessions.heard(caller.tokenSha256());
                return CompletableFuture.completedFuture(NOTHING_CHANGED);
            }
            // Coming (back) online shows at once.
            heardSessions.heardComingOnline(caller.tokenSha256());
            return proposals.propose(Command.newBuilder().setHeartbeat(
                    Heartbeat.newBuilder().setTokenSha256(ByteString.copyFrom(caller.tokenSha256()))));
        });
    }

    // ---- steps the ways share ----

    /**
     * Runs as the caller: a node that is not the leader says so (with the leader's address, or that it
     * was removed from the cluster) before it spends a read barrier on the session.
     */
    private CompletableFuture<ApplyResult> asWriter(Function<Caller, CompletableFuture<ApplyResult>> way) {
        leaderGate.requireLeader();
        return callers.get().thenCompose(way);
    }

    /**
     * A password check as one throttled attempt for (username, client address): reserved before anything
     * asynchronous happens, then {@code check} runs on the password pool against state read after a
     * barrier (a new leader may not have applied a registration or a failure yet); the attempt ends
     * when the answer is decided.
     */
    private CompletableFuture<ApplyResult> throttled(String username, String clientAddress,
                                                     Supplier<CompletableFuture<ApplyResult>> check) {
        LoginThrottle.Attempt attempt = loginThrottle.begin(username, clientAddress);
        CompletableFuture<ApplyResult> decided;
        try {
            decided = reads.barrier().thenCompose(ready -> passwordWork.submit(() -> {
                loginThrottle.requireNotLocked(username, clientAddress);
                return check.get();
            })).thenCompose(way -> way);
        } catch (RuntimeException e) {
            attempt.close();
            throw e;
        }
        return decided.whenComplete((result, error) -> attempt.close());
    }

    /** Fails with {@code answer} once the failure is applied here (or could not be recorded: the answer is the same). */
    private CompletableFuture<ApplyResult> recordFailure(String username, String clientAddress, StatusRuntimeException answer) {
        return proposals.propose(Command.newBuilder().setRecordLoginFailure(RecordLoginFailure.newBuilder()
                        .setUsername(username)
                        .setClientAddress(clientAddress)
                        .setPolicy(loginThrottle.stampedPolicy())))
                .handle((result, error) -> {
                    throw answer;
                });
    }

    /** Proposes a clear only when there is something to forget: a correct login usually costs no extra entry. */
    private CompletableFuture<?> clearFailures(String username, String clientAddress) {
        if (stateMachine.loginFailures(username, clientAddress).userFailures() == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return proposals.propose(Command.newBuilder().setClearLoginFailures(ClearLoginFailures.newBuilder()
                .setUsername(username)
                .setClientAddress(clientAddress)));
    }

    private CompletableFuture<ApplyResult> openSession(LoginAttempt login) {
        Command.Builder command = Command.newBuilder().setOpenSession(OpenSession.newBuilder()
                .setUsername(login.username())
                .setDeviceId(login.deviceId())
                .setTokenSha256(ByteString.copyFrom(SessionTokens.sha256(login.secret())))
                // The leader's policy goes into the log: every replica ends the session at the same leader time.
                .setIdleTimeoutMs(sessionPolicy.idleTimeout().toMillis())
                .setMaxLifetimeMs(sessionPolicy.maxLifetime().toMillis())
                .setMaxSessionsPerUser(sessionPolicy.maxPerUser()));
        // On to the executor: the answer reads local state, which the apply thread must not wait for.
        return proposals.propose(command).thenApplyAsync(result -> result, executor);
    }

    private CompletableFuture<ApplyResult> proposeChange(ChangePassword.Builder body, PasswordChange change, String username) {
        // The fingerprint takes the passwords through the slow hash only, like registration's.
        return proposals.propose(idempotency.keyed(Command.newBuilder().setChangePassword(body), username, change.key(),
                passwords.fingerprint(username, change.oldPassword() + "\u0000" + change.newPassword())));
    }

    /**
     * The token goes to the client only once its session is committed and applied here; with it goes
     * the applied index of now, at or past the session's entry (see {@link SessionTokens}).
     */
    private LoginResponse loggedIn(LoginAttempt login, ApplyResult.SessionOpened opened) {
        return LoginResponse.newBuilder()
                .setToken(SessionTokens.issue(login.secret(), stateMachine.appliedIndex()))
                .setUsername(opened.username())
                .setNickname(opened.nickname())
                .addAllUnread(stateMachine.unread(opened.username()).stream().filter(c -> c.getUnread() > 0).toList())
                .build();
    }
}
