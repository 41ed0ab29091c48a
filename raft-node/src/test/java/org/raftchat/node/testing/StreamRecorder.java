package org.raftchat.node.testing;

import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.raftchat.proto.v1.ChatMessage;

/**
 * A subscription's client side for tests: every message it was sent, and how it ended (a completed stream counts as an error).
 * Tests that also steer the call (flow control, cancel) extend it as a {@code ClientResponseObserver}.
 */
public class StreamRecorder implements StreamObserver<ChatMessage> {
    public final List<ChatMessage> messages = new CopyOnWriteArrayList<>();
    public final AtomicReference<Throwable> error = new AtomicReference<>();

    @Override
    public void onNext(ChatMessage value) {
        messages.add(value);
    }

    @Override
    public void onError(Throwable t) {
        error.set(t);
    }

    @Override
    public void onCompleted() {
        error.set(new IllegalStateException("stream completed"));
    }
}
