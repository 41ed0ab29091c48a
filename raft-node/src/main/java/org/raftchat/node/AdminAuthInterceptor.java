package org.raftchat.node;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import org.raftchat.config.AdminToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the admin API: a call proceeds only with {@code authorization: Bearer <token>} carrying the
 * cluster's admin token. A node without a configured token refuses every admin call.
 */
final class AdminAuthInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final String BEARER = "Bearer ";
    private static final Logger LOG = LoggerFactory.getLogger(AdminAuthInterceptor.class);

    private final Optional<AdminToken> token;

    AdminAuthInterceptor(Optional<AdminToken> token) {
        this.token = token;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        StatusRuntimeException refusal = refusal(headers.get(AUTHORIZATION));
        if (refusal == null) {
            return next.startCall(call, headers);
        }
        LOG.warn("Refused admin call {}: {}", call.getMethodDescriptor().getBareMethodName(), refusal.getStatus().getDescription());
        call.close(refusal.getStatus(), new Metadata());
        return new ServerCall.Listener<>() { };
    }

    /** Why a call with this authorization header is refused, or null when it may proceed. */
    private StatusRuntimeException refusal(String authorization) {
        if (token.isEmpty()) {
            return GrpcErrors.adminDisabled();
        }
        if (authorization == null || !authorization.startsWith(BEARER)) {
            return GrpcErrors.adminTokenMissing();
        }
        return token.get().matches(authorization.substring(BEARER.length())) ? null : GrpcErrors.adminTokenWrong();
    }
}
