package org.raftchat.node;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.util.Set;
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
    private static final int MIN_SECRET_CHARS = 16;
    private static final int MAX_SECRET_CHARS = 128;
    private static final int MAX_INDEX_DIGITS = 18;
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
        if (header == null || !header.startsWith(BEARER) || !wellFormed(header, BEARER.length())) {
            call.close(GrpcErrors.unauthenticated(header == null
                    ? "no session: log in and send 'authorization: Bearer <token>'"
                    : "malformed authorization header: expected 'Bearer <token>'").getStatus(), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        Context context = Context.current().withValue(TOKEN, header.substring(BEARER.length()));
        return Contexts.interceptCall(context, call, headers, next);
    }

    /**
     * Whether {@code header} from {@code start} on is a token: a secret of 16 to 128 base64url
     * characters, then (tokens issued since they carry one) '.' and an applied index of 1 to 18
     * digits (see {@link SessionTokens}). One pass over the characters, no substring: this runs on
     * the event loop for every call, where a regular expression's matcher cost 2.7% of the thread.
     */
    static boolean wellFormed(String header, int start) {
        int end = header.length();
        int i = start;
        while (i < end && isBase64Url(header.charAt(i))) {
            i++;
        }
        int secretChars = i - start;
        if (secretChars < MIN_SECRET_CHARS || secretChars > MAX_SECRET_CHARS) {
            return false;
        }
        if (i == end) {
            return true;
        }
        if (header.charAt(i) != '.') {
            return false;
        }
        int digitsStart = ++i;
        while (i < end && header.charAt(i) >= '0' && header.charAt(i) <= '9') {
            i++;
        }
        int digits = i - digitsStart;
        return i == end && digits >= 1 && digits <= MAX_INDEX_DIGITS;
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
