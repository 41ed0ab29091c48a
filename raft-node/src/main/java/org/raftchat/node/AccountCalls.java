package org.raftchat.node;

import com.google.protobuf.ByteString;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.raftchat.proto.v1.ClearLoginFailures;
import org.raftchat.config.SessionPolicy;
import org.raftchat.proto.v1.ChangePassword;
import org.raftchat.proto.v1.ChangePasswordRequest;
import org.raftchat.proto.v1.ChangePasswordResponse;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.LoginResponse;
import org.raftchat.proto.v1.OpenSession;
import org.raftchat.proto.v1.RecordLoginFailure;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.proto.v1.RegisterResponse;
import org.raftchat.statemachine.ApplyResult;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.UserInfo;

/**
 * Register, log in, change password: the writes that handle secrets (every other write is a
 * {@link WriteRoute}). Secrets are handled here, on the leader, before anything is proposed: the
 * password hash and the session token are random-salted or random, and only the hash and the
 * token's digest enter the log. Every password hash and check runs on
 * {@link PasswordWork}'s bounded pool, never on the transport thread or the pool read barriers use.
 */
final class AccountCalls {

    private final RequestValidator validator;
    private final Proposer proposer;
    private final ReadBarrier reads;
    private final ChatStateMachine stateMachine;
    private final Passwords passwords;
    private final SessionTokens tokens;
    private final LeaderGate leaderGate;
    private final LoginThrottle loginThrottle;
    private final IdempotencyStamp idempotency;
    private final PasswordWork passwordWork;
    private final Executor executor;
    private final SessionPolicy sessionPolicy;

    AccountCalls(RequestValidator validator, Proposer proposer, ReadBarrier reads, ChatStateMachine stateMachine,
                 Passwords passwords, SessionTokens tokens, LeaderGate leaderGate, LoginThrottle loginThrottle,
                 IdempotencyStamp idempotency, PasswordWork passwordWork, Executor executor, SessionPolicy sessionPolicy) {
        this.passwordWork = passwordWork;
        this.sessionPolicy = sessionPolicy;
        this.validator = validator;
        this.proposer = proposer;
        this.reads = reads;
        this.stateMachine = stateMachine;
        this.passwords = passwords;
        this.tokens = tokens;
        this.leaderGate = leaderGate;
        this.loginThrottle = loginThrottle;
        this.idempotency = idempotency;
        this.executor = executor;
    }

    CompletableFuture<RegisterResponse> register(RegisterRequest request) {
        String key = validator.idempotencyKey(request.getIdempotencyKey());
        String username = validator.username(request.getUsername());
        String password = validator.password(request.getPassword());
        leaderGate.requireLeader();
        // The key belongs to the name being registered; the request is the name and the password, which
        // enters the fingerprint only through a slow hash (the random-salted one differs on every retry).
        return passwordWork.submit(() -> idempotency.keyed(Command.newBuilder()
                        .setRegisterUser(org.raftchat.proto.v1.RegisterUser.newBuilder()
                                .setUsername(username).setPasswordHash(passwords.hash(password))),
                        username, key, username, passwords.fingerprint(username, password)))
                .thenCompose(proposer::propose)
                .thenApply(result -> RegisterResponse.newBuilder()
                        .setUsername(WriteRoute.expect(result, ApplyResult.UserRegistered.class).username()).build());
    }

    /**
     * Reserves a throttled attempt for (username, client address) before anything asynchronous
     * happens, then checks the password against state read after a barrier (a new leader may not
     * have applied a registration or a failure yet). A wrong password is recorded in the log
     * (RecordLoginFailure, leader-stamped) before it is answered, so the lock-out is replicated; a
     * correct one clears the pair's failures and proposes the session. The attempt ends when the
     * answer is decided. A login carries no idempotency key: a retried login opens a fresh session
     * for the device, which ends the one whose answer was lost.
     */
    CompletableFuture<LoginResponse> login(LoginRequest request, String clientAddress) {
        String username = validator.name("username", request.getUsername());
        String password = validator.password(request.getPassword());
        String deviceId = validator.deviceId(request.getDeviceId());
        leaderGate.requireLeader();
        LoginThrottle.Attempt attempt = loginThrottle.begin(username, clientAddress);
        CompletableFuture<LoginResponse> answer;
        try {
            answer = reads.barrier().thenCompose(ready -> passwordWork.submit(() -> {
                loginThrottle.requireNotLocked(username, clientAddress);
                Optional<UserInfo> user = stateMachine.user(username);
                if (!passwords.matches(password, user.map(UserInfo::passwordHash).orElse(null))) {
                    return recordFailure(username, clientAddress);
                }
                return clearFailures(username, clientAddress).thenCompose(cleared -> openSession(username, deviceId));
            })).thenCompose(decided -> decided);
        } catch (RuntimeException e) {
            attempt.close();
            throw e;
        }
        return answer.whenComplete((response, error) -> attempt.close());
    }

    /** Answers UNAUTHENTICATED once the failure is applied here (or could not be recorded: the answer is the same). */
    private CompletableFuture<LoginResponse> recordFailure(String username, String clientAddress) {
        Command.Builder command = Command.newBuilder().setRecordLoginFailure(RecordLoginFailure.newBuilder()
                .setUsername(username)
                .setClientAddress(clientAddress)
                .setPolicy(loginThrottle.stampedPolicy()));
        return proposer.propose(command).handle((result, error) -> {
            throw GrpcErrors.wrongCredentials();
        });
    }

    /** Proposes a clear only when there is something to forget: a correct login usually costs no extra entry. */
    private CompletableFuture<?> clearFailures(String username, String clientAddress) {
        if (stateMachine.loginFailures(username, clientAddress).userFailures() == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return proposer.propose(Command.newBuilder().setClearLoginFailures(ClearLoginFailures.newBuilder()
                .setUsername(username)
                .setClientAddress(clientAddress)));
    }

    private CompletableFuture<LoginResponse> openSession(String username, String deviceId) {
        String secret = tokens.newSecret();
        Command.Builder command = Command.newBuilder().setOpenSession(OpenSession.newBuilder()
                .setUsername(username)
                .setDeviceId(deviceId)
                .setTokenSha256(ByteString.copyFrom(SessionTokens.sha256(secret)))
                // The leader's policy goes into the log: every replica ends the session at the same leader time.
                .setIdleTimeoutMs(sessionPolicy.idleTimeout().toMillis())
                .setMaxLifetimeMs(sessionPolicy.maxLifetime().toMillis())
                .setMaxSessionsPerUser(sessionPolicy.maxPerUser()));
        return proposer.propose(command).thenApplyAsync(result -> loggedIn(result, secret), executor);
    }

    /**
     * Checks the old password like a login (after a barrier, throttled per user), hashes the new one on
     * the executor, and proposes the change with the hash it checked: apply refuses it if another change
     * got there first. Every other session of the caller ends; the calling one stays. A retry after the
     * change committed (the old password no longer matches, the new one does) returns the original result.
     */
    CompletableFuture<ChangePasswordResponse> changePassword(ChangePasswordRequest request, String key, Caller caller,
                                                             String clientAddress) {
        String oldPassword = validator.password("old_password", request.getOldPassword());
        String newPassword = validator.password("new_password", request.getNewPassword());
        String username = caller.username();
        LoginThrottle.Attempt attempt = loginThrottle.begin(username, clientAddress);
        CompletableFuture<ChangePasswordResponse> answer;
        try {
            answer = reads.barrier().thenCompose(ready -> passwordWork.submit(() -> {
                loginThrottle.requireNotLocked(username, clientAddress);
                String storedHash = stateMachine.user(username).map(UserInfo::passwordHash)
                        .orElseThrow(() -> GrpcErrors.userNotFound(username));
                ChangePassword.Builder body = ChangePassword.newBuilder().setUsername(username).setPreviousPasswordHash(storedHash)
                        .setKeepTokenSha256(ByteString.copyFrom(caller.tokenSha256()));
                if (passwords.matches(oldPassword, storedHash)) {
                    return proposeChange(body.setNewPasswordHash(passwords.hash(newPassword)), key, caller, oldPassword, newPassword);
                }
                if (passwords.matches(newPassword, storedHash)) {
                    // A retry of a change that committed (its answer was lost): the same idempotency key gets
                    // the original result in apply; the hash stays what it is.
                    return proposeChange(body.setNewPasswordHash(storedHash), key, caller, oldPassword, newPassword);
                }
                // A wrong old password counts like a wrong login: a stolen session cannot guess its way on.
                return proposer.propose(Command.newBuilder().setRecordLoginFailure(RecordLoginFailure.newBuilder()
                                .setUsername(username).setClientAddress(clientAddress).setPolicy(loginThrottle.stampedPolicy())))
                        .<ChangePasswordResponse>handle((result, error) -> {
                            throw GrpcErrors.wrongOldPassword();
                        });
            })).thenCompose(decided -> decided);
        } catch (RuntimeException e) {
            attempt.close();
            throw e;
        }
        return answer.whenComplete((response, error) -> attempt.close());
    }

    private CompletableFuture<ChangePasswordResponse> proposeChange(ChangePassword.Builder body, String key, Caller caller,
                                                                    String oldPassword, String newPassword) {
        // The fingerprint takes the passwords through the slow hash only, like registration's.
        Command.Builder command = idempotency.keyed(Command.newBuilder().setChangePassword(body), caller.username(), key,
                passwords.fingerprint(caller.username(), oldPassword + "\u0000" + newPassword));
        return proposer.propose(command).thenApply(result -> ChangePasswordResponse.newBuilder()
                .setSessionsEnded(WriteRoute.expect(result, ApplyResult.PasswordChanged.class).sessionsEnded()).build());
    }

    /**
     * The token goes to the client only once its session is committed and applied here; with it goes
     * the applied index of now, at or past the session's entry (see {@link SessionTokens}).
     */
    private LoginResponse loggedIn(ApplyResult result, String secret) {
        ApplyResult.SessionOpened opened = WriteRoute.expect(result, ApplyResult.SessionOpened.class);
        return LoginResponse.newBuilder()
                .setToken(SessionTokens.issue(secret, stateMachine.appliedIndex()))
                .setUsername(opened.username())
                .setNickname(opened.nickname())
                .addAllUnread(stateMachine.unread(opened.username()).stream().filter(c -> c.getUnread() > 0).toList())
                .build();
    }
}
