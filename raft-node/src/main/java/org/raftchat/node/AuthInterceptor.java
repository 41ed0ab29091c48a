package org.raftchat.node;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.regex.Pattern;
import org.raftchat.proto.v1.ChatServiceGrpc;

/**
 * Takes the bearer token from the "authorization" metadata and hands it to the service through the
 * call's {@link Context}. Calls that need a session and carry no well-formed token end here with
 * UNAUTHENTICATED; whether the token belongs to a live session is checked by {@link Authenticator}
 * against the replicated state. Calls that need no session are charged to the client address's
 * budget here, before their request is even read (must run inside {@link ClientAddress}).
 */
final class AuthInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<String> TOKEN = Context.key("raftchat-session-token");

    private static final String BEARER = "Bearer ";
    /** A secret, then (tokens issued since they carry one) '.' and the applied index: see {@link SessionTokens}. */
    private static final Pattern TOKEN_SYNTAX = Pattern.compile("[A-Za-z0-9_-]{16,128}(\\.[0-9]{1,18})?");
    /** The calls anyone may make: the way in, and the cluster's own status. */
    private static final Set<String> PUBLIC_METHODS = Set.of(
            ChatServiceGrpc.getRegisterMethod().getFullMethodName(),
            ChatServiceGrpc.getLoginMethod().getFullMethodName(),
            ChatServiceGrpc.getGetClusterInfoMethod().getFullMethodName());

    private final AddressRateLimiter unauthenticatedCalls;

    AuthInterceptor(AddressRateLimiter unauthenticatedCalls) {
        this.unauthenticatedCalls = unauthenticatedCalls;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (!method.startsWith(ChatServiceGrpc.SERVICE_NAME + "/")) {
            return next.startCall(call, headers);
        }
        if (PUBLIC_METHODS.contains(method)) {
            try {
                unauthenticatedCalls.charge(ClientAddress.current());
            } catch (StatusRuntimeException overBudget) {
                call.close(overBudget.getStatus(), overBudget.getTrailers() == null ? new Metadata() : overBudget.getTrailers());
                return new ServerCall.Listener<>() { };
            }
            return next.startCall(call, headers);
        }
        String header = headers.get(AUTHORIZATION);
        if (header == null || !header.startsWith(BEARER) || !TOKEN_SYNTAX.matcher(header.substring(BEARER.length())).matches()) {
            call.close(GrpcErrors.unauthenticated(header == null
                    ? "no session: log in and send 'authorization: Bearer <token>'"
                    : "malformed authorization header: expected 'Bearer <token>'").getStatus(), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        Context context = Context.current().withValue(TOKEN, header.substring(BEARER.length()));
        return Contexts.interceptCall(context, call, headers, next);
    }
}
