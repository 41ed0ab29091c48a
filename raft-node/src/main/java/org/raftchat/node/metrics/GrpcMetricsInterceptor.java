package org.raftchat.node.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Counts every gRPC call this node answers by method and status code, and times unary calls,
 * at the moment the server closes the call (so an error status is counted as the client sees it).
 */
public final class GrpcMetricsInterceptor implements ServerInterceptor {

    private final NodeMetrics metrics;

    public GrpcMetricsInterceptor(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long startNanos = System.nanoTime();
        String method = call.getMethodDescriptor().getFullMethodName();
        boolean unary = call.getMethodDescriptor().getType() == MethodType.UNARY;
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                metrics.grpcCallFinished(method, status.getCode(), unary, startNanos);
                super.close(status, trailers);
            }
        }, headers);
    }
}
