package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.rpc.RetryInfo;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.raftchat.statemachine.SessionInfo;

/** Which unknown tokens cost a read barrier, and which are refused from the local state alone. */
class AuthenticatorTest {

    private static final String SECRET = "s".repeat(43);
    private static final int ADDRESS_BUDGET = 3;

    private final Map<ByteBuffer, SessionInfo> sessions = new HashMap<>();
    private final AtomicLong applied = new AtomicLong(100);
    private final AtomicInteger barriers = new AtomicInteger();
    /** What "the leader's commit" brings when a barrier completes: applied here before the barrier answers. */
    private Runnable applyOnBarrier = () -> { };
    private final ReadBarrier countingBarrier = () -> {
        barriers.incrementAndGet();
        applyOnBarrier.run();
        return CompletableFuture.completedFuture(null);
    };
    private final Authenticator authenticator = new Authenticator(
            digest -> Optional.ofNullable(sessions.get(ByteBuffer.wrap(digest))), applied::get, countingBarrier,
            new SessionRateLimiter(1000, () -> 0L), new AddressRateLimiter(ADDRESS_BUDGET, () -> 0L), Runnable::run);

    @Test
    void aForgedTokenTheLocalStateDecidesIsRefusedWithoutAReadBarrier() {
        // Goal: a token whose index this replica has applied past, and whose secret no live session has,
        // is refused at once: no ReadIndex round, and no charge to anyone's budget.
        for (int i = 0; i < 10; i++) {
            assertThat(code(callerFor("forged" + i + "x".repeat(40) + ".100"))).isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        assertThat(barriers).hasValue(0);
        for (int i = 0; i < ADDRESS_BUDGET; i++) {
            assertThat(code(callerFor(SECRET))).as("the address budget is untouched").isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        assertThat(barriers).hasValue(ADDRESS_BUDGET);
    }

    @Test
    void aFreshLoginThisReplicaHasNotAppliedYetWaitsForTheBarrierAndIsAccepted() {
        // Goal: never refuse a valid fresh session: its index is past what this follower applied, so
        // it waits for the barrier, which brings the session here.
        applyOnBarrier = () -> {
            sessions.put(ByteBuffer.wrap(SessionTokens.sha256(SECRET)), new SessionInfo("alice", "laptop"));
            applied.set(120);
        };
        Caller caller = callerFor(SessionTokens.issue(SECRET, 120)).join();
        assertThat(caller.username()).isEqualTo("alice");
        assertThat(barriers).hasValue(1);
    }

    @Test
    void aKnownSessionNeedsNoBarrierWithOrWithoutAnIndex() {
        sessions.put(ByteBuffer.wrap(SessionTokens.sha256(SECRET)), new SessionInfo("alice", "laptop"));
        assertThat(callerFor(SECRET).join().deviceId()).isEqualTo("laptop");
        assertThat(callerFor(SessionTokens.issue(SECRET, 7)).join().deviceId()).isEqualTo("laptop");
        assertThat(barriers).hasValue(0);
    }

    @Test
    void unknownTokensTheStateCannotDecideAreChargedToTheAddressBeforeTheirBarrier() {
        // Goal: a token without an index, or with one past the local state, costs a barrier only within
        // the client address's budget; past it the answer is RESOURCE_EXHAUSTED with a retry delay, free.
        for (int i = 0; i < ADDRESS_BUDGET; i++) {
            String token = i % 2 == 0 ? "unknown" + i + "x".repeat(40) : SessionTokens.issue(SECRET, 1_000 + i);
            assertThat(code(callerFor(token))).isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        assertThat(barriers).hasValue(ADDRESS_BUDGET);
        Throwable overBudget = catchThrowable(() -> callerFor(SessionTokens.issue(SECRET, 5_000)).join());
        assertThat(Status.fromThrowable(overBudget).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(StatusProto.fromThrowable(overBudget).getDetailsList()).anyMatch(d -> d.is(RetryInfo.class))
                .noneMatch(d -> d.is(org.raftchat.proto.v1.LimitReached.class));
        assertThat(barriers).hasValue(ADDRESS_BUDGET);
    }

    private CompletableFuture<Caller> callerFor(String token) {
        try {
            return Context.current().withValue(AuthInterceptor.TOKEN, token).call(authenticator::caller);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Status.Code code(CompletableFuture<Caller> caller) {
        return Status.fromThrowable(catchThrowable(caller::join)).getCode();
    }
}
