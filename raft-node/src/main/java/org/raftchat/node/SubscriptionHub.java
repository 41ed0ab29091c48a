package org.raftchat.node;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.QueueDelivery;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.HistoryPage;
import org.raftchat.statemachine.HistoryQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Subscribe streams from this replica's own applied state.
 *
 * <p>Each subscription is a cursor: its last sent sequence number. When the state machine stores
 * messages of a conversation, its subscriptions are woken and read the local state after their
 * cursor, so a stream is in order, with no gap and no duplicate, however notifications and
 * backfill interleave. A slow reader is paused by gRPC flow control ({@code isReady}) instead of
 * buffering without bound; it catches up from the state when it is ready again.
 *
 * <p>A stream is its subscriber's only while they may read the conversation: before each send the
 * subscription checks, on local state, that the session is alive and (for a room) that the user is
 * still a member; a logout, leave or room deletion ends the stream instead of leaking what follows.
 *
 * <p>StreamQueue streams work the same way over a consumer's deliveries of a work queue (see
 * {@link QueueStream}): the cursor is the last delivery id sent, and they are woken by the queue
 * rooms an apply batch changed.
 */
final class SubscriptionHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionHub.class);
    /** Messages read from the state per pull; bounds what one slow stream can buffer. */
    private static final int PAGE_SIZE = 256;

    private final ChatStateMachine stateMachine;
    private final Executor pumpExecutor;
    private final int maxSubscriptions;
    private final ConcurrentHashMap<String, Set<Subscription>> byConversation = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<QueueStream>> byQueue = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    SubscriptionHub(ChatStateMachine stateMachine, Executor pumpExecutor, int maxSubscriptions) {
        this.stateMachine = stateMachine;
        this.pumpExecutor = pumpExecutor;
        this.maxSubscriptions = maxSubscriptions;
    }

    /**
     * Takes charge of a Subscribe call's stream. Must run before the RPC method returns, because
     * gRPC accepts flow-control and cancel handlers only until then; {@link Subscription#start}
     * may come later (after a read barrier, say).
     */
    Subscription accept(ServerCallStreamObserver<ChatMessage> out) {
        Subscription sub = new Subscription(out);
        out.setOnCancelHandler(() -> remove(sub));
        out.setOnReadyHandler(sub::schedule);
        return sub;
    }

    /** Called on the FSM thread after a batch is applied; cheap: it only wakes subscriptions. */
    void onStored(List<ChatMessage> stored) {
        String previous = null;
        for (ChatMessage message : stored) {
            String key = Conversations.key(message.getConversation());
            if (key.equals(previous)) {
                continue;
            }
            previous = key;
            Set<Subscription> subs = byConversation.get(key);
            if (subs != null) {
                subs.forEach(Subscription::schedule);
            }
        }
    }

    /** Rooms someone left or that were deleted: their streams re-check who may still read them. */
    void onRoomsShrunk(List<String> rooms) {
        for (String room : rooms) {
            Set<Subscription> subs = byConversation.get(Conversations.key(ConversationRef.newBuilder().setRoom(room).build()));
            if (subs != null) {
                subs.forEach(Subscription::schedule);
            }
        }
    }

    /** Called on the FSM thread with the queue rooms whose consumers or assignments an apply batch changed. */
    void onQueuesChanged(Set<String> rooms) {
        for (String room : rooms) {
            Set<QueueStream> streams = byQueue.get(room);
            if (streams != null) {
                streams.forEach(QueueStream::schedule);
            }
        }
    }

    /** After a snapshot install the whole state may have moved forward: wake everyone. */
    void onRestored() {
        byConversation.values().forEach(subs -> subs.forEach(Subscription::schedule));
        byQueue.values().forEach(streams -> streams.forEach(QueueStream::schedule));
    }

    /** Takes charge of a StreamQueue call's stream; like {@link #accept}, before the RPC method returns. */
    QueueStream acceptQueue(ServerCallStreamObserver<QueueDelivery> out) {
        QueueStream stream = new QueueStream(out);
        out.setOnCancelHandler(() -> remove(stream));
        out.setOnReadyHandler(stream::schedule);
        return stream;
    }

    /** Streams being served now (for metrics). */
    int openSubscriptions() {
        return open.get();
    }

    /** Ends every stream with UNAVAILABLE so clients resume on another node. */
    @Override
    public void close() {
        closed = true;
        byConversation.values().forEach(subs -> subs.forEach(s -> s.terminate(GrpcErrors.shuttingDown())));
        byQueue.values().forEach(streams -> streams.forEach(s -> s.terminate(GrpcErrors.shuttingDown())));
    }

    private void remove(QueueStream stream) {
        stream.cancelled = true;
        Set<QueueStream> streams = stream.room == null ? null : byQueue.get(stream.room);
        if (streams != null && streams.remove(stream)) {
            open.decrementAndGet();
        }
    }

    private void remove(Subscription sub) {
        sub.cancelled = true;
        Set<Subscription> subs = sub.key == null ? null : byConversation.get(sub.key);
        if (subs != null && subs.remove(sub)) {
            open.decrementAndGet();
        }
    }

    /** One Subscribe stream: a cursor over one conversation, driven by wake-ups. */
    final class Subscription {
        private final ServerCallStreamObserver<ChatMessage> out;
        private volatile ConversationRef conversation;
        private volatile String key;
        private volatile Caller caller;
        /** Only the draining thread touches the cursor; the WIP counter serializes drains. */
        private long lastSentSeq;
        private final AtomicInteger wip = new AtomicInteger();
        private volatile boolean cancelled;
        private volatile StatusRuntimeException terminal;

        private Subscription(ServerCallStreamObserver<ChatMessage> out) {
            this.out = out;
        }

        /** Starts streaming messages with seq > afterSeq to {@code caller}: the backfill first, then live. */
        void start(ConversationRef conversation, long afterSeq, Caller caller) {
            if (cancelled) {
                return;
            }
            if (closed) {
                terminate(GrpcErrors.shuttingDown());
                return;
            }
            if (open.incrementAndGet() > maxSubscriptions) {
                open.decrementAndGet();
                terminate(GrpcErrors.tooManySubscriptions(maxSubscriptions));
                return;
            }
            this.lastSentSeq = afterSeq;
            this.caller = caller;
            this.conversation = Conversations.canonical(conversation);
            this.key = Conversations.key(conversation);
            byConversation.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(this);
            if (cancelled) {
                // The client went away while we were starting; its cancel handler found nothing to remove.
                remove(this);
                return;
            }
            schedule();
        }

        /** Ends the stream with this status (delivered on the draining thread, like every other call on it). */
        void fail(Throwable error) {
            terminate(GrpcErrors.toStatus(error));
        }

        private void schedule() {
            if (wip.getAndIncrement() == 0) {
                pumpExecutor.execute(this::drain);
            }
        }

        private void terminate(StatusRuntimeException status) {
            terminal = status;
            schedule();
        }

        private void drain() {
            int missed = 1;
            do {
                pumpSafely();
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        private void pumpSafely() {
            if (cancelled) {
                return;
            }
            try {
                if (terminal != null) {
                    finish(terminal);
                    return;
                }
                pump();
            } catch (RuntimeException e) {
                LOG.warn("Ending subscription to {} after seq {}: {}", Conversations.describe(conversation), lastSentSeq, e.toString());
                finish(GrpcErrors.stopped(e.getMessage()));
            }
        }

        private void pump() {
            while (!cancelled && key != null && out.isReady()) {
                HistoryPage page = stateMachine.history(conversation, new HistoryQuery.After(lastSentSeq, PAGE_SIZE));
                // Checked after the read: everything in the page was applied while the caller could still read it.
                StatusRuntimeException noLonger = mayNoLongerRead();
                if (noLonger != null) {
                    finish(noLonger);
                    return;
                }
                if (page.messages().isEmpty()) {
                    return;
                }
                for (ChatMessage message : page.messages()) {
                    if (message.getSeq() != lastSentSeq + 1) {
                        // Sequence numbers are dense by construction; anything else is a broken invariant.
                        throw new IllegalStateException("sequence gap in " + Conversations.describe(conversation)
                                + ": expected " + (lastSentSeq + 1) + ", found " + message.getSeq());
                    }
                    out.onNext(message);
                    lastSentSeq = message.getSeq();
                }
            }
        }

        private StatusRuntimeException mayNoLongerRead() {
            return GrpcErrors.noReadAccess(stateMachine.readAccess(conversation, caller.tokenSha256(), caller.username()),
                    conversation, caller.username());
        }

        private void finish(StatusRuntimeException status) {
            remove(this);
            try {
                out.onError(status);
            } catch (IllegalStateException alreadyClosed) {
                // The call was already closed by the client; nothing to tell it.
            }
        }
    }

    /**
     * One StreamQueue stream: a cursor (the last delivery id sent) over one consumer's deliveries of one
     * queue, driven by wake-ups. Delivery ids only grow, so a stream resumed with the last id its client
     * saw sends each delivery once; a message handed to the same consumer again is a new delivery.
     */
    final class QueueStream {
        private final ServerCallStreamObserver<QueueDelivery> out;
        private volatile String room;
        private volatile Caller caller;
        /** Only the draining thread touches the cursor; the WIP counter serializes drains. */
        private long lastSentDeliveryId;
        private final AtomicInteger wip = new AtomicInteger();
        private volatile boolean cancelled;
        private volatile StatusRuntimeException terminal;

        private QueueStream(ServerCallStreamObserver<QueueDelivery> out) {
            this.out = out;
        }

        /** Starts sending {@code caller}'s deliveries of {@code room} with an id above {@code afterDeliveryId}. */
        void start(String room, long afterDeliveryId, Caller caller) {
            if (cancelled) {
                return;
            }
            if (closed) {
                terminate(GrpcErrors.shuttingDown());
                return;
            }
            if (open.incrementAndGet() > maxSubscriptions) {
                open.decrementAndGet();
                terminate(GrpcErrors.tooManySubscriptions(maxSubscriptions));
                return;
            }
            this.lastSentDeliveryId = afterDeliveryId;
            this.caller = caller;
            this.room = room;
            byQueue.computeIfAbsent(room, k -> ConcurrentHashMap.newKeySet()).add(this);
            if (cancelled) {
                remove(this);
                return;
            }
            schedule();
        }

        void fail(Throwable error) {
            terminate(GrpcErrors.toStatus(error));
        }

        private void schedule() {
            if (wip.getAndIncrement() == 0) {
                pumpExecutor.execute(this::drain);
            }
        }

        private void terminate(StatusRuntimeException status) {
            terminal = status;
            schedule();
        }

        private void drain() {
            int missed = 1;
            do {
                pumpSafely();
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        private void pumpSafely() {
            if (cancelled) {
                return;
            }
            try {
                if (terminal != null) {
                    finish(terminal);
                    return;
                }
                pump();
            } catch (RuntimeException e) {
                LOG.warn("Ending queue stream of #{} after delivery {}: {}", room, lastSentDeliveryId, e.toString());
                finish(GrpcErrors.stopped(e.getMessage()));
            }
        }

        private void pump() {
            while (!cancelled && room != null && out.isReady()) {
                List<QueueDelivery> page = stateMachine.queueDeliveriesAfter(room, caller.tokenSha256(), lastSentDeliveryId, PAGE_SIZE);
                // Checked after the read: what the page holds was assigned while the caller still consumed.
                StatusRuntimeException noLonger = noLongerConsuming();
                if (noLonger != null) {
                    finish(noLonger);
                    return;
                }
                if (page.isEmpty()) {
                    return;
                }
                for (QueueDelivery delivery : page) {
                    out.onNext(delivery);
                    lastSentDeliveryId = delivery.getDeliveryId();
                }
            }
        }

        private StatusRuntimeException noLongerConsuming() {
            ConversationRef conversation = ConversationRef.newBuilder().setRoom(room).build();
            StatusRuntimeException noAccess = GrpcErrors.noReadAccess(
                    stateMachine.readAccess(conversation, caller.tokenSha256(), caller.username()), conversation, caller.username());
            if (noAccess != null) {
                return noAccess;
            }
            return stateMachine.consuming(room, caller.tokenSha256()) ? null : GrpcErrors.failedPrecondition("this session no "
                    + "longer consumes queue '" + room + "' (it stopped, or was offline too long): start consuming again");
        }

        private void finish(StatusRuntimeException status) {
            remove(this);
            try {
                out.onError(status);
            } catch (IllegalStateException alreadyClosed) {
                // The call was already closed by the client; nothing to tell it.
            }
        }
    }
}
