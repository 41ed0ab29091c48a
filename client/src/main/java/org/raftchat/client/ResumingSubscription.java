package org.raftchat.client;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.SubscribeRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical subscription made of successive server streams. Each stream is asked for
 * {@code seq > lastDelivered}; anything at or below it (a node resending what another node
 * already delivered) is dropped, and a jump past {@code lastDelivered + 1} ends the
 * subscription as a server bug rather than silently losing messages.
 *
 * <p>All state sits behind {@link #lock}, and listener callbacks run while holding it: that is
 * what keeps deliveries from an old stream and a new one from interleaving.
 */
final class ResumingSubscription implements Subscription {

    private static final Logger log = LoggerFactory.getLogger(ResumingSubscription.class);

    private final ClusterConnection connection;
    private final ConversationRef conversation;
    private final String name;
    private final SubscriptionListener listener;
    private final Backoff backoff;
    private final Object lock = new Object();

    // Guarded by lock.
    private long lastSeq;
    private long streamId;
    private String address;
    private ClientCallStreamObserver<SubscribeRequest> stream;
    private long openedAtNanos;
    private boolean deliveredOnStream;
    private boolean announceResume;
    /** When the current run of failed streams began; -1 while healthy. */
    private long failingSinceNanos = -1;
    /** Reconnects since the last stream that worked. */
    private int attempt;
    private ScheduledFuture<?> pendingReconnect;
    private boolean closed;

    ResumingSubscription(ClusterConnection connection, ConversationRef conversation, long afterSeq, SubscriptionListener listener) {
        this.connection = connection;
        this.conversation = conversation;
        this.name = ConversationRefs.describe(conversation);
        this.listener = listener;
        this.lastSeq = afterSeq;
        this.backoff = new Backoff(connection.options().backoffMin(), connection.options().backoffMax());
    }

    @Override
    public long lastDeliveredSeq() {
        synchronized (lock) {
            return lastSeq;
        }
    }

    @Override
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    @Override
    public void close() {
        ClientCallStreamObserver<SubscribeRequest> toCancel;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toCancel = stream;
            stream = null;
            if (pendingReconnect != null) {
                pendingReconnect.cancel(false);
            }
        }
        connection.forget(this);
        cancel(toCancel, "subscription closed");
    }

    void start(String firstAddress) {
        open(firstAddress);
    }

    private void open(String target) {
        long id;
        SubscribeRequest request;
        synchronized (lock) {
            if (closed) {
                return;
            }
            id = ++streamId;
            address = target;
            openedAtNanos = System.nanoTime();
            deliveredOnStream = false;
            request = SubscribeRequest.newBuilder().setConversation(conversation).setAfterSeq(lastSeq).build();
            safely(() -> listener.onConnecting(target));
        }
        log.debug("subscribing to {} on {} after seq {}", name, target, request.getAfterSeq());
        try {
            connection.asyncStub(target).subscribe(request, new Observer(id, target));
        } catch (ChatClientException clientClosed) {
            close();
            return;
        }
        ClientCallStreamObserver<SubscribeRequest> lateCancel = null;
        synchronized (lock) {
            if (closed && id == streamId) {
                lateCancel = stream; // close() ran while the call was starting
                stream = null;
            }
        }
        cancel(lateCancel, "subscription closed");
    }

    private final class Observer implements ClientResponseObserver<SubscribeRequest, ChatMessage> {
        private final long id;
        private final String target;

        Observer(long id, String target) {
            this.id = id;
            this.target = target;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
            synchronized (lock) {
                if (id == streamId) {
                    stream = requestStream;
                }
            }
        }

        @Override
        public void onNext(ChatMessage message) {
            ClientCallStreamObserver<SubscribeRequest> toCancel = null;
            synchronized (lock) {
                if (id != streamId || closed) {
                    return;
                }
                markHealthy();
                long seq = message.getSeq();
                if (seq <= lastSeq) {
                    log.debug("{}: dropped seq {} from {}: already delivered up to {}", name, seq, target, lastSeq);
                    return;
                }
                if (seq != lastSeq + 1) {
                    toCancel = stream;
                    fail(new ChatClientException(Category.PROTOCOL, "node " + target + " sent " + name + " seq " + seq
                            + " right after seq " + lastSeq + ": the messages in between are missing (a server bug)"));
                } else {
                    deliver(message);
                }
            }
            cancel(toCancel, "sequence gap");
        }

        @Override
        public void onError(Throwable t) {
            broken(id, target, Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            broken(id, target, Status.UNAVAILABLE.withDescription("the node ended the stream"));
        }
    }

    private void markHealthy() {
        deliveredOnStream = true;
        failingSinceNanos = -1;
        attempt = 0;
        backoff.reset();
    }

    private void deliver(ChatMessage message) {
        if (announceResume) {
            announceResume = false;
            String resumedOn = address;
            long resumedAfter = lastSeq;
            safely(() -> listener.onStatus("resumed " + name + " on " + resumedOn + " after seq " + resumedAfter));
            safely(() -> listener.onResumed(resumedOn, resumedAfter));
        }
        lastSeq = message.getSeq();
        connection.answeredBy(address);
        safely(() -> listener.onMessage(message));
    }

    /** A stream ended: resubscribe on the next node after a pause, or give up for good. */
    private void broken(long id, String target, Status status) {
        synchronized (lock) {
            if (id != streamId || closed) {
                return;
            }
            stream = null;
            if (GrpcFailures.finalForSubscription(status.getCode())) {
                String message = status.getDescription() != null ? status.getDescription() : name + ": " + status.getCode();
                fail(new ChatClientException(GrpcFailures.category(status.getCode()), message, status.asRuntimeException()));
                return;
            }
            long now = System.nanoTime();
            boolean wasWorking = deliveredOnStream || now - openedAtNanos >= connection.options().callDeadline().toNanos();
            if (wasWorking) {
                failingSinceNanos = now; // a stream that lived was connected: a fresh run of failures starts here
                attempt = 0;
                backoff.reset();
            } else if (failingSinceNanos < 0) {
                failingSinceNanos = openedAtNanos;
            }
            Duration budget = connection.options().retryBudget();
            if (now - failingSinceNanos >= budget.toNanos()) {
                fail(new ChatClientException(Category.UNAVAILABLE, "lost " + name + ": no node served it for "
                        + ClusterConnection.format(budget) + " (last: " + target + ": " + GrpcFailures.describe(status)
                        + "). Is the cluster running? (raftchat status)"));
                return;
            }
            String next = connection.nextAddress(target);
            Duration pause = backoff.next();
            announceResume = true;
            int thisAttempt = ++attempt;
            log.debug("{}: stream from {} ended ({}); reconnecting to {} in {} ms",
                    name, target, GrpcFailures.describe(status), next, pause.toMillis());
            safely(() -> listener.onStatus("lost " + name + " on " + target + " (" + GrpcFailures.describe(status)
                    + "); reconnecting to " + next));
            safely(() -> listener.onReconnecting(target, next, thisAttempt, pause));
            try {
                pendingReconnect = connection.scheduler().schedule(() -> open(next), pause.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException clientClosed) {
                closed = true;
            }
        }
    }

    /** Ends the subscription with {@code error}; the caller holds the lock. */
    private void fail(ChatClientException error) {
        closed = true;
        stream = null;
        log.debug("{}: subscription ended: {}", name, error.getMessage());
        connection.forget(this);
        safely(() -> listener.onError(error));
    }

    /** A listener that throws must not kill the stream for everyone after it. */
    private void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.warn("{}: subscription listener threw; continuing", name, e);
        }
    }

    private static void cancel(ClientCallStreamObserver<SubscribeRequest> stream, String why) {
        if (stream != null) {
            stream.cancel(why, null);
        }
    }
}
