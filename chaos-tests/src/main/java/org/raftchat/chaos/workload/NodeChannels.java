package org.raftchat.chaos.workload;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.RegisterRequest;

/** One gRPC channel per node API address, shared by every workload client. */
public final class NodeChannels implements AutoCloseable {

    private final Map<String, String> addressById;
    private final String adminToken;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** The workload's session; every call but Register, Login and GetClusterInfo needs it. Null before {@link #logIn}. */
    private volatile CallCredentials session;

    /** @param addressById node id to its client API "host:port", reachable from this JVM */
    public NodeChannels(Map<String, String> addressById) {
        this(addressById, null);
    }

    /** @param adminToken the cluster's admin token, sent with admin calls; null: none */
    public NodeChannels(Map<String, String> addressById, String adminToken) {
        this.addressById = Map.copyOf(addressById);
        this.adminToken = adminToken;
    }

    public List<String> nodeIds() {
        return addressById.keySet().stream().sorted().toList();
    }

    public String address(String nodeId) {
        return addressById.get(nodeId);
    }

    /** The node id whose API address is this one, or null when it is not one of ours. */
    public String idOfAddress(String address) {
        return addressById.entrySet().stream().filter(e -> e.getValue().equals(address)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    public ChatServiceGrpc.ChatServiceBlockingStub blocking(String nodeId, long deadlineMs) {
        ChatServiceGrpc.ChatServiceBlockingStub stub = ChatServiceGrpc.newBlockingStub(channel(nodeId))
                .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
        CallCredentials credentials = session;
        return credentials == null ? stub : stub.withCallCredentials(credentials);
    }

    /**
     * Registers the workload's user (once; a retry or a second run finds it) and logs in on the given
     * node, which must lead; later calls from every workload client go as that session.
     */
    public void logIn(String leaderId, String user, String password) {
        try {
            blocking(leaderId, 10_000).register(RegisterRequest.newBuilder().setIdempotencyKey("register-" + user)
                    .setUsername(user).setPassword(password).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                throw e;
            }
        }
        String token = blocking(leaderId, 10_000).login(LoginRequest.newBuilder().setUsername(user).setPassword(password)
                .setDeviceId("chaos-workload").build()).getToken();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        session = new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
                applier.apply(headers);
            }
        };
    }

    public org.raftchat.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub admin(String nodeId, long deadlineMs) {
        var stub = org.raftchat.proto.v1.AdminServiceGrpc.newBlockingStub(channel(nodeId))
                .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
        if (adminToken == null) {
            return stub;
        }
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + adminToken);
        return stub.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    public ChatServiceGrpc.ChatServiceStub async(String nodeId) {
        ChatServiceGrpc.ChatServiceStub stub = ChatServiceGrpc.newStub(channel(nodeId));
        CallCredentials credentials = session;
        return credentials == null ? stub : stub.withCallCredentials(credentials);
    }

    private ManagedChannel channel(String nodeId) {
        return channels.computeIfAbsent(nodeId, id -> NettyChannelBuilder.forTarget(addressById.get(id))
                .usePlaintext()
                // Like the product client: a stream from a node cut off by a partition or a pause must fail.
                .keepAliveTime(Defaults.KEEPALIVE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(Defaults.KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .build());
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
