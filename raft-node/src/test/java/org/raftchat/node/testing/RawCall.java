package org.raftchat.node.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One call of a client API method with the request as raw bytes, whatever they hold: a fuzzer's way
 * past the generated stubs, which only ever send well-formed messages. Answers come back as bytes too.
 */
public final class RawCall {

    /** The outcome of a server stream still open when the caller stopped listening: not an error. */
    public static final String STREAM_OPEN = "STREAM_OPEN";

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /**
     * @param code        the status code's name, or {@link #STREAM_OPEN}
     * @param description the status description (may be null)
     * @param responses   every response message received, as bytes
     */
    public record Outcome(String code, String description, List<byte[]> responses) {
    }

    private RawCall() {
    }

    /** {@code method} (same name and type) with byte-array request and response. */
    public static MethodDescriptor<byte[], byte[]> asBytes(MethodDescriptor<?, ?> method) {
        return MethodDescriptor.newBuilder(BYTES, BYTES).setType(method.getType())
                .setFullMethodName(method.getFullMethodName()).build();
    }

    /**
     * Sends {@code request} and waits for the end of the call: up to {@code deadline} for a unary call;
     * a server stream is listened to for {@code streamWindow}, then cancelled if still open.
     */
    public static Outcome call(Channel channel, MethodDescriptor<byte[], byte[]> method, byte[] request, Metadata headers,
                               Duration deadline, Duration streamWindow) {
        ClientCall<byte[], byte[]> call = channel.newCall(method,
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
        List<byte[]> responses = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                responses.add(message);
                call.request(1);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, headers);
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
        boolean stream = method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING;
        try {
            Status status = closed.get(stream ? streamWindow.toMillis() : deadline.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            return new Outcome(status.getCode().name(), status.getDescription(), List.copyOf(responses));
        } catch (TimeoutException stillOpen) {
            call.cancel("the fuzzer has seen enough", null);
            if (!stream) {
                throw new AssertionError(method.getFullMethodName() + " did not end within its deadline " + deadline);
            }
            return new Outcome(STREAM_OPEN, null, List.copyOf(responses));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}
