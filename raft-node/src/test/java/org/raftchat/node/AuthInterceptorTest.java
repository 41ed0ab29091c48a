package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.ClusterInfo;
import org.raftchat.proto.v1.GetClusterInfoRequest;
import org.raftchat.proto.v1.GetUnreadRequest;
import org.raftchat.proto.v1.GetUnreadResponse;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.proto.v1.RegisterResponse;

/** The per-address budget of calls without a session, charged before the service does any work. */
class AuthInterceptorTest {

    private static final int BUDGET = 2;

    private final AtomicInteger served = new AtomicInteger();
    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void callsWithoutASessionOverTheAddressBudgetAreRefusedBeforeTheServiceRuns() throws Exception {
        // Goal: Register, Login and GetClusterInfo share one budget per client address; past it the
        // answer is RESOURCE_EXHAUSTED with a retry delay and the service never sees the call.
        start();
        ChatServiceGrpc.ChatServiceBlockingStub anonymous = ChatServiceGrpc.newBlockingStub(channel);
        anonymous.register(RegisterRequest.newBuilder().setUsername("alice").build());
        anonymous.getClusterInfo(GetClusterInfoRequest.getDefaultInstance());
        Throwable refused = catchThrowable(() -> anonymous.register(RegisterRequest.newBuilder().setUsername("bob").build()));

        assertThat(Status.fromThrowable(refused).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(StatusProto.fromThrowable(refused).getDetailsList()).anyMatch(d -> d.is(RetryInfo.class));
        assertThat(served).hasValue(BUDGET);

        // A call with a session is not charged here (its own limit is the session's).
        ChatServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(
                TestSession.bearer("t".repeat(43) + ".12"))).getUnread(GetUnreadRequest.getDefaultInstance());
        assertThat(served).hasValue(BUDGET + 1);
    }

    private void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        ChatServiceGrpc.ChatServiceImplBase counting = new ChatServiceGrpc.ChatServiceImplBase() {
            @Override
            public void register(RegisterRequest request, StreamObserver<RegisterResponse> out) {
                answer(out, RegisterResponse.getDefaultInstance());
            }

            @Override
            public void getClusterInfo(GetClusterInfoRequest request, StreamObserver<ClusterInfo> out) {
                answer(out, ClusterInfo.getDefaultInstance());
            }

            @Override
            public void getUnread(GetUnreadRequest request, StreamObserver<GetUnreadResponse> out) {
                answer(out, GetUnreadResponse.getDefaultInstance());
            }

            private <T> void answer(StreamObserver<T> out, T response) {
                served.incrementAndGet();
                out.onNext(response);
                out.onCompleted();
            }
        };
        // A fixed clock: the budget does not refill during the test.
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(counting,
                        new AuthInterceptor(new AddressRateLimiter(BUDGET, () -> 0L)), new ClientAddress()))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }
}
