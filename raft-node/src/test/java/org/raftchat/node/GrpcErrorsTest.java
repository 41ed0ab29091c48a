package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.PreconditionFailure;
import com.google.rpc.RetryInfo;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.raftchat.proto.v1.LimitReached;
import org.raftchat.proto.v1.NotLeader;
import org.raftchat.statemachine.ApplyResult;
import org.raftchat.statemachine.Rejection;

/** Every refusal apply can return answers with the status clients are documented to get. */
class GrpcErrorsTest {

    /** The whole table, spelled out: a changed row is a changed client contract and must be changed here too. */
    private static final Map<Rejection, Code> TABLE = new EnumMap<>(Map.ofEntries(
            Map.entry(Rejection.ROOM_NOT_FOUND, Code.NOT_FOUND),
            Map.entry(Rejection.ROOM_ALREADY_EXISTS, Code.ALREADY_EXISTS),
            Map.entry(Rejection.USER_ALREADY_EXISTS, Code.ALREADY_EXISTS),
            Map.entry(Rejection.USER_NOT_FOUND, Code.NOT_FOUND),
            Map.entry(Rejection.NICKNAME_TAKEN, Code.ALREADY_EXISTS),
            Map.entry(Rejection.NOT_A_MEMBER, Code.PERMISSION_DENIED),
            Map.entry(Rejection.NOT_ROOM_OWNER, Code.PERMISSION_DENIED),
            Map.entry(Rejection.NOT_ALLOWED_FOR_ROOM, Code.FAILED_PRECONDITION),
            Map.entry(Rejection.LIMIT_REACHED, Code.RESOURCE_EXHAUSTED),
            Map.entry(Rejection.MESSAGE_NOT_FOUND, Code.NOT_FOUND),
            Map.entry(Rejection.NOT_MESSAGE_AUTHOR, Code.PERMISSION_DENIED),
            Map.entry(Rejection.MESSAGE_DELETED, Code.FAILED_PRECONDITION),
            Map.entry(Rejection.SESSION_NOT_FOUND, Code.UNAUTHENTICATED),
            Map.entry(Rejection.NOT_A_QUEUE, Code.FAILED_PRECONDITION),
            Map.entry(Rejection.NOT_ASSIGNED, Code.FAILED_PRECONDITION),
            Map.entry(Rejection.IDEMPOTENCY_KEY_REUSED, Code.INVALID_ARGUMENT),
            Map.entry(Rejection.SESSION_ID_NOT_FOUND, Code.NOT_FOUND),
            Map.entry(Rejection.PASSWORD_CHANGED_MEANWHILE, Code.FAILED_PRECONDITION),
            Map.entry(Rejection.BANNED, Code.PERMISSION_DENIED),
            Map.entry(Rejection.NOT_INVITED, Code.PERMISSION_DENIED)));

    @Test
    void everyRejectionHasARowAndAnswersWithItsStatusAndItsSentence() {
        assertThat(TABLE.keySet()).containsExactlyInAnyOrder(Rejection.values());
        for (Rejection rejection : Rejection.values()) {
            assertThat(GrpcErrors.statusCode(rejection)).as(rejection.name()).isEqualTo(TABLE.get(rejection));
            StatusRuntimeException status = GrpcErrors.rejected(new ApplyResult.Rejected(rejection, "why " + rejection));
            assertThat(status.getStatus().getCode()).as(rejection.name()).isEqualTo(TABLE.get(rejection));
            assertThat(status.getStatus().getDescription()).isEqualTo("why " + rejection);
        }
    }

    @Test
    void aReachedLimitCarriesTheLimitReachedDetailSoClientsDoNotRetry() throws Exception {
        StatusRuntimeException status = GrpcErrors.rejected(new ApplyResult.Rejected(Rejection.LIMIT_REACHED, "room is full"));

        com.google.rpc.Status details = StatusProto.fromThrowable(status);
        assertThat(details.getDetailsList()).hasSize(1);
        assertThat(details.getDetails(0).unpack(LimitReached.class).getDescription()).isEqualTo("room is full");
        assertThat(StatusProto.fromThrowable(GrpcErrors.rejected(new ApplyResult.Rejected(Rejection.NOT_A_MEMBER, "no")))
                .getDetailsList()).isEmpty();
    }

    @Test
    void eachRichStatusCarriesTheOneDetailItsClientsReadWithItsCodeAndMessage() throws Exception {
        // Clients act on these details (follow the leader, wait the retry delay, stop retrying a
        // removal): each must arrive as the status's only detail, beside the code and message.
        com.google.rpc.Status notLeader = StatusProto.fromThrowable(GrpcErrors.notLeader(new LeaderHint("n2", "10.0.0.2:9102")));
        assertThat(notLeader.getCode()).isEqualTo(Code.FAILED_PRECONDITION.value());
        assertThat(notLeader.getMessage()).isEqualTo("this node is not the leader: the leader is n2 at 10.0.0.2:9102");
        assertThat(notLeader.getDetailsList()).hasSize(1);
        assertThat(notLeader.getDetails(0).unpack(NotLeader.class))
                .isEqualTo(NotLeader.newBuilder().setLeaderId("n2").setLeaderApiAddress("10.0.0.2:9102").build());

        com.google.rpc.Status busy = StatusProto.fromThrowable(GrpcErrors.tooManyUnauthenticatedCalls(20, Duration.ofMillis(1500)));
        assertThat(busy.getCode()).isEqualTo(Code.RESOURCE_EXHAUSTED.value());
        assertThat(busy.getDetailsList()).hasSize(1);
        assertThat(busy.getDetails(0).unpack(RetryInfo.class).getRetryDelay())
                .isEqualTo(com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(500_000_000).build());

        com.google.rpc.Status refused = StatusProto.fromThrowable(
                GrpcErrors.removalLosesQuorum("n3", List.of("n1", "n2"), List.of("n1"), 2));
        assertThat(refused.getCode()).isEqualTo(Code.FAILED_PRECONDITION.value());
        assertThat(refused.getMessage()).startsWith("cannot remove node n3 now: the nodes left (n1, n2) need 2 of them");
        assertThat(refused.getDetailsList()).hasSize(1);
        PreconditionFailure.Violation violation = refused.getDetails(0).unpack(PreconditionFailure.class).getViolations(0);
        assertThat(violation.getType()).isEqualTo(GrpcErrors.QUORUM_VIOLATION);
        assertThat(violation.getSubject()).isEqualTo("node/n3");
        assertThat(violation.getDescription()).isEqualTo(refused.getMessage());
    }

    @Test
    void aResultACallDidNotExpectIsItsRejectionOrAnInternalError() {
        RuntimeException refused = GrpcErrors.unexpected(new ApplyResult.Rejected(Rejection.BANNED, "ann is banned"));
        assertThat(GrpcErrors.toStatus(refused).getStatus().getCode()).isEqualTo(Code.PERMISSION_DENIED);

        RuntimeException bug = GrpcErrors.unexpected(new ApplyResult.AlreadyApplied());
        assertThat(GrpcErrors.toStatus(bug).getStatus().getCode()).isEqualTo(Code.INTERNAL);
    }
}
