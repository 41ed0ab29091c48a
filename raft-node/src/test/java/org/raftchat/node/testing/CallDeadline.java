package org.raftchat.node.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Gives every call its own deadline, counted from when the call starts. A stub's
 * {@code withDeadlineAfter} is one absolute instant, so a stub kept for a whole test would fail every
 * call made after it, however healthy the cluster (as happened on a slow, shared machine).
 */
public final class CallDeadline implements ClientInterceptor {

    private final Duration perCall;

    public CallDeadline(Duration perCall) {
        this.perCall = perCall;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
        return next.newCall(method, options.withDeadlineAfter(perCall.toMillis(), TimeUnit.MILLISECONDS));
    }
}
