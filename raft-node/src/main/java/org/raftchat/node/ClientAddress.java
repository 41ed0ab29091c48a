package org.raftchat.node;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The client's IP address (no port) as the transport saw it, in the call's {@link Context}: what
 * the login throttle counts guesses by. Not a header: a client cannot choose it.
 */
final class ClientAddress implements ServerInterceptor {

    /** For a transport without IP addresses (in-process). */
    static final String UNKNOWN = "unknown";
    /** Package-private for tests that serve a call as if it came from an address. */
    static final Context.Key<String> ADDRESS = Context.keyWithDefault("raftchat-client-address", UNKNOWN);

    /** The current call's client IP address, or {@link #UNKNOWN}. */
    static String current() {
        return ADDRESS.get();
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        Context context = Context.current().withValue(ADDRESS, ipOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
        return Contexts.interceptCall(context, call, headers, next);
    }

    static String ipOf(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return UNKNOWN;
    }
}
