package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.code;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.testing.AdminAccess;
import org.raftchat.node.testing.Api;
import org.raftchat.node.testing.DevCa;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.ClusterStatusRequest;
import org.raftchat.proto.v1.ClusterStatusResponse;
import org.raftchat.proto.v1.GetClusterInfoRequest;

/** TLS on the nodes' gRPC server, with certificates from scripts/dev-ca.sh. */
class TlsIT {

    @TempDir
    Path dir;
    TestCluster cluster;
    /** One test user for the whole test: a login per stub would replace the device's session each time. */
    TestSession session;
    final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aClientTrustingTheCaWorksAndAPlaintextOrUntrustingClientIsRefused() throws Exception {
        // Goal: with a tls section the API speaks only TLS: a client that trusts the cluster's CA
        // writes and reads (leader and follower, health too); plaintext, and TLS that does not trust
        // the CA, get nothing.
        DevCa ca = DevCa.create(dir.resolve("ca"), 3, null);
        cluster = TestCluster.start(3, dir.resolve("data"), Duration.ofHours(1), c -> c.withTls(ca.tlsConfig(false)));
        String leader = cluster.awaitLeader().id();
        String follower = cluster.followers().get(0).id();
        ChannelCredentials trusting = TlsChannelCredentials.newBuilder().trustManager(ca.caCert().toFile()).build();

        onLeader(trusting, stub -> Api.createRoom(stub, "lobby"));
        onLeader(trusting, stub -> Api.post(stub, "lobby", "over TLS", "tls-post-1"));
        assertThat(Api.allMessages(stub(follower, trusting), "lobby")).extracting(m -> m.getText()).containsExactly("over TLS");
        assertThat(HealthGrpc.newBlockingStub(channel(follower, trusting)).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);

        Throwable plaintext = catchThrowable(() -> stub(leader, InsecureChannelCredentials.create())
                .getClusterInfo(GetClusterInfoRequest.getDefaultInstance()));
        assertThat(code(plaintext)).isEqualTo(Status.Code.UNAVAILABLE);

        DevCa otherCa = DevCa.create(dir.resolve("other-ca"), 1, null);
        ChannelCredentials untrusting = TlsChannelCredentials.newBuilder().trustManager(otherCa.caCert().toFile()).build();
        Throwable wrongCa = catchThrowable(() -> stub(leader, untrusting).getClusterInfo(GetClusterInfoRequest.getDefaultInstance()));
        assertThat(code(wrongCa)).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(Api.allMessages(stub(leader, trusting), "lobby")).hasSize(1);
    }

    @Test
    void withAClientCaOnlyClientsWithACertificateGetIn() throws Exception {
        // Goal: tls.clientCa makes it mutual TLS: a client without a certificate signed by that CA is refused.
        DevCa ca = DevCa.create(dir.resolve("ca"), 3, "ops");
        cluster = TestCluster.start(3, dir.resolve("data"), Duration.ofHours(1), c -> c.withTls(ca.tlsConfig(true)));
        String leader = cluster.awaitLeader().id();
        ChannelCredentials withCert = TlsChannelCredentials.newBuilder().trustManager(ca.caCert().toFile())
                .keyManager(ca.cert("ops").toFile(), ca.key("ops").toFile()).build();
        ChannelCredentials withoutCert = TlsChannelCredentials.newBuilder().trustManager(ca.caCert().toFile()).build();

        assertThat(stub(leader, withCert).getClusterInfo(GetClusterInfoRequest.getDefaultInstance()).getNodeId()).isEqualTo(leader);
        Throwable refused = catchThrowable(() -> stub(leader, withoutCert).getClusterInfo(GetClusterInfoRequest.getDefaultInstance()));
        assertThat(code(refused)).isEqualTo(Status.Code.UNAVAILABLE);

        // The nodes call each other over the same mutual TLS (cluster status asks every node):
        // every node answers, none is reported down.
        ClusterStatusResponse status = AdminAccess.stub(channel(leader, withCert), cluster.adminToken())
                .clusterStatus(ClusterStatusRequest.getDefaultInstance());
        assertThat(status.getNodesList()).hasSize(3).allSatisfy(node -> assertThat(node.getUp()).as(node.getDownReason()).isTrue());
    }

    /**
     * Runs a write on the leader, again on the new one if leadership moved meanwhile (a busy machine):
     * a not-leader answer means nothing was proposed, so repeating is safe.
     */
    private void onLeader(ChannelCredentials credentials, Consumer<ChatServiceBlockingStub> write) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try {
                write.accept(stub(cluster.awaitLeader().id(), credentials));
                return true;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION) {
                    throw e;
                }
                return false;
            }
        });
    }

    /** As the test user, whose session the cluster's own (TLS) channels log in. */
    private ChatServiceBlockingStub stub(String id, ChannelCredentials credentials) {
        return ChatServiceGrpc.newBlockingStub(channel(id, credentials)).withDeadlineAfter(10, TimeUnit.SECONDS)
                .withCallCredentials(session());
    }

    private TestSession session() {
        if (session == null) {
            session = new TestSession(cluster, "tester");
        }
        return session;
    }

    private ManagedChannel channel(String id, ChannelCredentials credentials) {
        ManagedChannel channel = Grpc.newChannelBuilder(cluster.apiAddress(id), credentials).build();
        channels.add(channel);
        return channel;
    }
}
