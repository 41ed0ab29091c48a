package org.raftchat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;
import org.raftchat.proto.v1.NotLeader;

class FailuresTest {

    @Test
    void eachFailureCallsForARedirectARetryOrAnError() {
        // Goal: NotLeader redirects; UNAVAILABLE and RESOURCE_EXHAUSTED retry; the rest, DEADLINE_EXCEEDED included, are errors.
        Throwable notLeader = StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Status.Code.FAILED_PRECONDITION.value())
                .addDetails(Any.pack(NotLeader.newBuilder().setLeaderApiAddress("127.0.0.1:9102").build())).build());

        assertThat(Failures.next(notLeader)).isEqualTo(Failures.Next.REDIRECT);
        assertThat(Failures.notLeader(notLeader)).map(NotLeader::getLeaderApiAddress).contains("127.0.0.1:9102");
        assertThat(Failures.next(Status.UNAVAILABLE.asRuntimeException())).isEqualTo(Failures.Next.RETRY);
        assertThat(Failures.next(Status.RESOURCE_EXHAUSTED.asRuntimeException())).isEqualTo(Failures.Next.RETRY);
        assertThat(Failures.next(Status.DEADLINE_EXCEEDED.asRuntimeException())).isEqualTo(Failures.Next.GIVE_UP);
        assertThat(Failures.next(Status.FAILED_PRECONDITION.asRuntimeException())).isEqualTo(Failures.Next.GIVE_UP);
        assertThat(Failures.next(Status.NOT_FOUND.asRuntimeException())).isEqualTo(Failures.Next.GIVE_UP);
    }
}
