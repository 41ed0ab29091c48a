package org.raftchat.node;

import com.google.protobuf.ByteString;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.raftchat.proto.v1.ClearLoginFailures;
import org.raftchat.proto.v1.CloseSession;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.LoginResponse;
import org.raftchat.proto.v1.LogoutResponse;
import org.raftchat.proto.v1.OpenSession;
import org.raftchat.proto.v1.RecordLoginFailure;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.proto.v1.RegisterResponse;
import org.raftchat.proto.v1.SetNickname;
import org.raftchat.proto.v1.SetNicknameRequest;
import org.raftchat.proto.v1.SetNicknameResponse;
import org.raftchat.statemachine.ApplyResult;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.UserInfo;

/**
 * Register, log in, log out, change nickname. Secrets are handled here, on the leader, before
 * anything is proposed: the password hash and the session token are random-salted or random, and
 * only the hash and the token's digest enter the log.
 */
final class AccountCalls {

    private final RequestValidator validator;
    private final Proposer proposer;
    private final LinearizableReads reads;
    private final ChatStateMachine stateMachine;
    private final Passwords passwords;
    private final SessionTokens tokens;
    private final LeaderGate leaderGate;
    private final LoginThrottle loginThrottle;
    private final IdempotencyStamp idempotency;
    private final Executor executor;

    AccountCalls(RequestValidator validator, Proposer proposer, LinearizableReads reads, ChatStateMachine stateMachine,
                 Passwords passwords, SessionTokens tokens, LeaderGate leaderGate, LoginThrottle loginThrottle,
                 IdempotencyStamp idempotency, Executor executor) {
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
        // The slow hashes run on the executor: chat calls run on the gRPC transport thread, which must not block.
        // The key belongs to the name being registered; the request is the name and the password, which
        // enters the fingerprint only through a slow hash (the random-salted one differs on every retry).
        return CompletableFuture.supplyAsync(() -> idempotency.keyed(Command.newBuilder()
                        .setRegisterUser(org.raftchat.proto.v1.RegisterUser.newBuilder()
                                .setUsername(username).setPasswordHash(passwords.hash(password))),
                        username, key, username, passwords.fingerprint(username, password)), executor)
                .thenCompose(proposer::propose)
                .thenApply(result -> {
            if (result instanceof ApplyResult.UserRegistered registered) {
                return RegisterResponse.newBuilder().setUsername(registered.username()).build();
            }
            throw ChatGrpcService.unexpected(result);
        });
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
            answer = reads.barrier().thenComposeAsync(ready -> {
                loginThrottle.requireNotLocked(username, clientAddress);
                Optional<UserInfo> user = stateMachine.user(username);
                if (!passwords.matches(password, user.map(UserInfo::passwordHash).orElse(null))) {
                    return recordFailure(username, clientAddress);
                }
                return clearFailures(username, clientAddress).thenCompose(cleared -> openSession(username, deviceId));
            }, executor);
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
        String token = tokens.newToken();
        Command.Builder command = Command.newBuilder().setOpenSession(OpenSession.newBuilder()
                .setUsername(username)
                .setDeviceId(deviceId)
                .setTokenSha256(ByteString.copyFrom(SessionTokens.sha256(token))));
        return proposer.propose(command).thenApplyAsync(result -> loggedIn(result, token), executor);
    }

    CompletableFuture<LogoutResponse> logout(String key, Caller caller) {
        Command.Builder command = idempotency.keyed(Command.newBuilder()
                .setCloseSession(CloseSession.newBuilder().setTokenSha256(ByteString.copyFrom(caller.tokenSha256()))),
                caller.username(), key, caller.tokenSha256());
        return proposer.propose(command).thenApply(result -> {
            if (result instanceof ApplyResult.SessionClosed) {
                return LogoutResponse.getDefaultInstance();
            }
            throw ChatGrpcService.unexpected(result);
        });
    }

    CompletableFuture<SetNicknameResponse> setNickname(SetNicknameRequest request, String key, Caller caller) {
        String nickname = validator.name("nickname", request.getNickname());
        Command.Builder command = idempotency.keyed(Command.newBuilder()
                .setSetNickname(SetNickname.newBuilder().setUsername(caller.username()).setNickname(nickname)),
                caller.username(), key, nickname);
        return proposer.propose(command).thenApply(result -> {
            if (result instanceof ApplyResult.NicknameSet set) {
                return SetNicknameResponse.newBuilder().setNickname(set.nickname()).build();
            }
            throw ChatGrpcService.unexpected(result);
        });
    }

    /** The token goes to the client only once its session is committed and applied here. */
    private LoginResponse loggedIn(ApplyResult result, String token) {
        if (!(result instanceof ApplyResult.SessionOpened opened)) {
            throw ChatGrpcService.unexpected(result);
        }
        return LoginResponse.newBuilder()
                .setToken(token)
                .setUsername(opened.username())
                .setNickname(opened.nickname())
                .addAllUnread(stateMachine.unread(opened.username()).stream().filter(c -> c.getUnread() > 0).toList())
                .build();
    }
}
