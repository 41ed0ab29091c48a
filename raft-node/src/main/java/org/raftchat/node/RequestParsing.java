package org.raftchat.node;

import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import io.grpc.Attributes;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a service's requests itself, so that bytes which are not the request message (not protobuf,
 * or a string field that is not UTF-8) get INVALID_ARGUMENT and a request over the size limit gets
 * RESOURCE_EXHAUSTED with a LimitReached detail; nothing reaches the service in either case.
 *
 * <p>Why not leave it to grpc-java: its server parses with the method's marshaller outside every
 * interceptor, and a parse failure ends the call as {@code UNKNOWN: Application error processing
 * RPC} with a SEVERE stack trace; its transport's size check answers a bare RESOURCE_EXHAUSTED that
 * no interceptor can add a detail to. So the methods here take the request as an {@link InputStream}
 * (like {@code ServerInterceptors.useInputStreamMessages}) and a listener parses it with the
 * original marshaller, once; the transport's limit is raised to {@link #transportLimitBytes} so that
 * requests somewhat over the limit reach this check. The interceptors around see these calls as they
 * see any other (name, headers, status).
 */
final class RequestParsing {

    private static final Logger LOG = LoggerFactory.getLogger(RequestParsing.class);
    /**
     * How far over the limit a request may be and still get the LimitReached answer: the transport
     * buffers a request whole before anyone can look at it, so its own limit must stay bounded. A
     * larger request is cut off by the transport (RESOURCE_EXHAUSTED "gRPC message exceeds maximum
     * size", which the CLI treats as final too).
     */
    static final int TRANSPORT_LIMIT_FACTOR = 4;

    private RequestParsing() {
    }

    /** The limit to give the transport for requests of at most {@code maxRequestBytes}. */
    static int transportLimitBytes(int maxRequestBytes) {
        return (int) Math.min(Integer.MAX_VALUE, (long) TRANSPORT_LIMIT_FACTOR * maxRequestBytes);
    }

    /** {@code service} with every request parsed (and its size checked) as described above. */
    static ServerServiceDefinition guard(ServerServiceDefinition service, int maxRequestBytes) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<InputStream, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<InputStream, ?> guarded = guard(method, maxRequestBytes);
            descriptor.addMethod(guarded.getMethodDescriptor());
            methods.add(guarded);
        }
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(builder::addMethod);
        return builder.build();
    }

    private static <Q, A> ServerMethodDefinition<InputStream, A> guard(ServerMethodDefinition<Q, A> method, int maxRequestBytes) {
        MethodDescriptor<Q, A> typed = method.getMethodDescriptor();
        MethodDescriptor<InputStream, A> raw = typed.toBuilder(RAW, typed.getResponseMarshaller()).build();
        ServerCallHandler<Q, A> handler = method.getServerCallHandler();
        return ServerMethodDefinition.create(raw, (call, headers) -> {
            ServerCall.Listener<Q> listener = handler.startCall(new TypedCall<>(call, typed), headers);
            return new ParsingListener<>(typed, maxRequestBytes, call, listener);
        });
    }

    /** Hands the transport's stream on unread; the listener parses it while it is valid (within onMessage). */
    private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    private static final class ParsingListener<Q, A> extends ServerCall.Listener<InputStream> {
        private final MethodDescriptor<Q, A> method;
        private final int maxRequestBytes;
        private final ServerCall<InputStream, A> call;
        private final ServerCall.Listener<Q> next;
        /** Set once a request was refused and the call closed: the service hears nothing more but the end. */
        private boolean refused;

        ParsingListener(MethodDescriptor<Q, A> method, int maxRequestBytes, ServerCall<InputStream, A> call,
                        ServerCall.Listener<Q> next) {
            this.method = method;
            this.maxRequestBytes = maxRequestBytes;
            this.call = call;
            this.next = next;
        }

        @Override
        public void onMessage(InputStream message) {
            if (refused) {
                return;
            }
            Q request;
            try {
                request = parse(message);
            } catch (StatusRuntimeException refusal) {
                refused = true;
                // One line, at debug: a client's bad bytes are the client's problem, and a flood of them
                // must not flood the log.
                LOG.debug("Refused a {} request: {}", method.getFullMethodName(), refusal.getStatus());
                call.close(refusal.getStatus(), refusal.getTrailers() == null ? new Metadata() : refusal.getTrailers());
                return;
            }
            next.onMessage(request);
        }

        private Q parse(InputStream message) {
            long size = knownSize(message);
            if (size > maxRequestBytes) {
                throw GrpcErrors.requestTooLarge(size, maxRequestBytes);
            }
            Q request;
            try {
                request = method.parseRequest(message);
            } catch (StatusRuntimeException e) {
                // The transport's check of a compressed request's inflated size happens while it is read.
                if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                    throw GrpcErrors.requestTooLarge(-1, maxRequestBytes);
                }
                throw GrpcErrors.unparsableRequest(requestType(), e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            } catch (RuntimeException e) {
                throw GrpcErrors.unparsableRequest(requestType(), e.getMessage());
            }
            if (request instanceof MessageLite lite && lite.getSerializedSize() > maxRequestBytes) {
                // Sent compressed, so the transport did not know its size.
                throw GrpcErrors.requestTooLarge(lite.getSerializedSize(), maxRequestBytes);
            }
            return request;
        }

        private static long knownSize(InputStream message) {
            try {
                return message instanceof KnownLength ? message.available() : -1;
            } catch (IOException e) {
                return -1;
            }
        }

        private String requestType() {
            if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> proto
                    && proto.getMessagePrototype() instanceof Message prototype) {
                return prototype.getDescriptorForType().getFullName();
            }
            return method.getFullMethodName() + " request";
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                next.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!refused) {
                next.onReady();
            }
        }

        @Override
        public void onCancel() {
            next.onCancel();
        }

        @Override
        public void onComplete() {
            next.onComplete();
        }
    }

    /** The call as the service sees it: its own request type, everything else the transport's call. */
    private static final class TypedCall<Q, A> extends ServerCall<Q, A> {
        private final ServerCall<InputStream, A> call;
        private final MethodDescriptor<Q, A> method;

        TypedCall(ServerCall<InputStream, A> call, MethodDescriptor<Q, A> method) {
            this.call = call;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            call.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            call.sendHeaders(headers);
        }

        @Override
        public void sendMessage(A message) {
            call.sendMessage(message);
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            call.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            call.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return call.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, A> getMethodDescriptor() {
            return method;
        }
    }
}
