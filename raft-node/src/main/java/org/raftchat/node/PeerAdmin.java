package org.raftchat.node;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.raftchat.config.AdminToken;
import org.raftchat.config.NodeSpec;
import org.raftchat.proto.v1.AdminServiceGrpc;
import org.raftchat.proto.v1.AdminServiceGrpc.AdminServiceStub;
import org.raftchat.proto.v1.NodeStatus;
import org.raftchat.proto.v1.NodeStatusRequest;
import org.raftchat.proto.v1.TriggerSnapshotRequest;
import org.raftchat.proto.v1.TriggerSnapshotResponse;

/**
 * This node's admin client for the other nodes (cluster status, snapshots on every node), with
 * the cluster's admin token. One channel per node, opened on first use, closed by {@link #close}.
 */
final class PeerAdmin implements AutoCloseable {

    private final Optional<AdminToken> token;
    private final ChannelCredentials credentials;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    PeerAdmin(Optional<AdminToken> token, ChannelCredentials credentials) {
        this.token = token;
        this.credentials = credentials;
    }

    CompletableFuture<NodeStatus> nodeStatus(NodeSpec peer, boolean includeDigest, Duration deadline) {
        NodeStatusRequest request = NodeStatusRequest.newBuilder().setIncludeDigest(includeDigest).build();
        return unary(peer, deadline, (stub, out) -> stub.getNodeStatus(request, out));
    }

    CompletableFuture<TriggerSnapshotResponse> snapshot(NodeSpec peer, Duration deadline) {
        TriggerSnapshotRequest request = TriggerSnapshotRequest.newBuilder().setNodeId(peer.id()).build();
        return unary(peer, deadline, (stub, out) -> stub.triggerSnapshot(request, out));
    }

    private <T> CompletableFuture<T> unary(NodeSpec peer, Duration deadline, BiConsumer<AdminServiceStub, StreamObserver<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        AdminServiceStub stub;
        try {
            stub = stub(peer).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        call.accept(stub, new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                result.completeExceptionally(new IllegalStateException("no answer from " + peer.id()));
            }
        });
        return result;
    }

    private AdminServiceStub stub(NodeSpec peer) {
        if (closed) {
            throw GrpcErrors.shuttingDown();
        }
        AdminServiceStub stub = AdminServiceGrpc.newStub(channels.computeIfAbsent(peer.id(),
                id -> Grpc.newChannelBuilder(peer.apiAddress(), credentials).build()));
        if (token.isEmpty()) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(AdminAuthInterceptor.AUTHORIZATION, AdminAuthInterceptor.BEARER + token.get().value());
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
