package org.raftchat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import io.grpc.Contexts;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.config.AdminToken;
import org.raftchat.proto.v1.AdminServiceGrpc;
import org.raftchat.proto.v1.ClusterStatusRequest;
import org.raftchat.proto.v1.ClusterStatusResponse;
import org.raftchat.proto.v1.NotLeader;
import org.raftchat.proto.v1.TransferLeadershipRequest;
import org.raftchat.proto.v1.TransferLeadershipResponse;

class AdminClientTest {

    private static final AdminToken TOKEN = new AdminToken("an-admin-token-long-enough-0123456789");

    private final String prefix = "admin-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Server> servers = new ArrayList<>();
    /** Every call as "node: authorization header", in arrival order. */
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(Server::shutdownNow);
    }

    @Test
    void aLeaderOnlyCallFollowsTheHintAndTheNextOneGoesStraightToTheLeader() throws Exception {
        // Goal: a follower's "not the leader" is followed to the leader it names, with the token on every call;
        // the client remembers who leads, so the next leader-only call asks it first.
        String leader = node("n2", null);
        String follower = node("n1", leader);

        try (AdminClient client = client(List.of(follower, leader))) {
            assertThat(client.onLeader("transfer", a -> a.transferLeadership(TransferLeadershipRequest.getDefaultInstance()))
                    .getPreviousLeaderId()).isEqualTo("n2");
            assertThat(client.onLeader("transfer", a -> a.transferLeadership(TransferLeadershipRequest.getDefaultInstance()))
                    .getPreviousLeaderId()).isEqualTo("n2");
        }
        assertThat(calls).containsExactly("n1: Bearer " + TOKEN.value(), "n2: Bearer " + TOKEN.value(),
                "n2: Bearer " + TOKEN.value());
    }

    @Test
    void aLeaderOnlyCallSkipsANodeThatRefusesTheConnectionButNeverRepeatsAnUnknownOutcome() throws Exception {
        // Goal: a refused connection did nothing, so the next node is asked; an UNAVAILABLE from a node that got
        // the request may have changed the cluster, so it is final (one call, reported as UNAVAILABLE).
        String refusing = "127.0.0.1:" + FakeCluster.closedPort();
        String leader = node("n2", null);
        try (AdminClient client = client(List.of(refusing, leader))) {
            assertThat(client.onLeader("transfer", a -> a.transferLeadership(TransferLeadershipRequest.getDefaultInstance()))
                    .getPreviousLeaderId()).isEqualTo("n2");
        }

        String failing = node("n3", "");
        try (AdminClient client = client(List.of(failing, leader))) {
            assertThatThrownBy(() -> client.onLeader("transfer", a -> a.transferLeadership(TransferLeadershipRequest.getDefaultInstance())))
                    .isInstanceOfSatisfying(ChatClientException.class, e -> assertThat(e.category()).isEqualTo(Category.UNAVAILABLE));
        }
        assertThat(calls.stream().filter(c -> c.startsWith("n3:"))).hasSize(1);
    }

    @Test
    void aCallAnyNodeCanAnswerGoesToTheFirstThatAcceptsTheConnection() throws Exception {
        // Goal: any node may answer a status; a refused connection moves on, and with none left the failure says so.
        String refusing = "127.0.0.1:" + FakeCluster.closedPort();
        String follower = node("n1", "elsewhere:1");
        try (AdminClient client = client(List.of(refusing, follower))) {
            assertThat(client.onAnyNode("status", a -> a.clusterStatus(ClusterStatusRequest.getDefaultInstance())).getLeaderId())
                    .isEqualTo("n1");
        }
        try (AdminClient client = client(List.of(refusing))) {
            assertThatThrownBy(() -> client.onAnyNode("status", a -> a.clusterStatus(ClusterStatusRequest.getDefaultInstance())))
                    .isInstanceOfSatisfying(ChatClientException.class, e -> assertThat(e.category()).isEqualTo(Category.UNAVAILABLE))
                    .hasMessageContaining("status: no node reachable (" + refusing + ": connection refused)");
        }
    }

    private AdminClient client(List<String> addresses) {
        return new AdminClient(addresses, TOKEN, Duration.ofSeconds(2), AdminClientTest::channel);
    }

    /** In-process for this test's nodes, a real (plaintext) channel for a loopback address. */
    private static ManagedChannel channel(String address) {
        return address.startsWith("127.0.0.1:") ? ClusterConnection.newChannel(address, InsecureChannelCredentials.create())
                : FakeCluster.channel(address);
    }

    /**
     * A fake admin API. {@code redirectTo}: null leads; empty fails every leader-only call with UNAVAILABLE
     * after receiving it; otherwise answers "not the leader" naming that address.
     */
    private String node(String id, String redirectTo) throws IOException {
        String address = prefix + "-" + id + ":9101";
        AdminServiceGrpc.AdminServiceImplBase service = new AdminServiceGrpc.AdminServiceImplBase() {
            @Override
            public void transferLeadership(TransferLeadershipRequest request, StreamObserver<TransferLeadershipResponse> out) {
                if (redirectTo == null) {
                    out.onNext(TransferLeadershipResponse.newBuilder().setPreviousLeaderId(id).build());
                    out.onCompleted();
                } else if (redirectTo.isEmpty()) {
                    out.onError(Status.UNAVAILABLE.withDescription("connection lost after the change began").asRuntimeException());
                } else {
                    out.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                            .setCode(Code.FAILED_PRECONDITION_VALUE).setMessage("not the leader")
                            .addDetails(Any.pack(NotLeader.newBuilder().setLeaderApiAddress(redirectTo).build())).build()));
                }
            }

            @Override
            public void clusterStatus(ClusterStatusRequest request, StreamObserver<ClusterStatusResponse> out) {
                out.onNext(ClusterStatusResponse.newBuilder().setLeaderId(id).build());
                out.onCompleted();
            }
        };
        Metadata.Key<String> authorization = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        ServerInterceptor recorder = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                calls.add(id + ": " + headers.get(authorization));
                return Contexts.interceptCall(io.grpc.Context.current(), call, headers, next);
            }
        };
        servers.add(InProcessServerBuilder.forName(address).directExecutor()
                .addService(ServerInterceptors.intercept(service, recorder)).build().start());
        return address;
    }
}
