package org.raftchat.node;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.raftchat.config.Limits;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.QueueDelivery;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.HistoryQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Subscribe and StreamQueue streams from this replica's own applied state.
 *
 * <p>Each stream is a cursor over what it sends: a Subscribe stream's last sent sequence number in one
 * conversation, a StreamQueue stream's last delivery id of one consumer of one queue. When apply changes
 * what a stream sends, the stream is woken and reads the local state after its cursor, so a stream is
 * in order, with no gap and no duplicate, however notifications and backfill interleave. A stream
 * writes only while gRPC says it is ready ({@code isReady}), message by message, backfill and live
 * alike: a slow reader is paused instead of buffered for, and catches up from the state when it is
 * ready again.
 *
 * <p>A stream is its reader's only while they may read: each time it is woken, ready or not, it checks
 * on local state that the session is alive and (for a room) that the user is still a member. Apply
 * wakes the streams of a user whose sessions may have ended, so a logout, revocation, expiry or
 * password change ends the session's streams at once, on every replica; a leave or room deletion
 * ends the room's streams of those who may no longer read it.
 *
 * <p>Limits, on this node: streams in all ({@code maxSubscriptionsPerNode}), per session and per user.
 * Streams are indexed by conversation or queue, session and user; an index drops a key with its last
 * stream, so the hub holds nothing for what nobody streams.
 */
final class SubscriptionHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionHub.class);
    /** Messages read from the state per pull; bounds what one wake-up of a stream reads. */
    private static final int PAGE_SIZE = 256;

    private final ChatStateMachine stateMachine;
    private final Executor pumpExecutor;
    private final int maxPerNode;
    private final int maxPerSession;
    private final int maxPerUser;
    private final Index byConversation = new Index();
    private final Index byQueue = new Index();
    private final Index bySession = new Index();
    private final Index byUser = new Index();
    /** Admitted streams; changed only under the hub's lock, with the indexes. */
    private volatile int open;
    private volatile boolean closed;

    SubscriptionHub(ChatStateMachine stateMachine, Executor pumpExecutor, Limits limits) {
        this.stateMachine = stateMachine;
        this.pumpExecutor = pumpExecutor;
        this.maxPerNode = limits.maxSubscriptionsPerNode();
        this.maxPerSession = limits.maxSubscriptionsPerSession();
        this.maxPerUser = limits.maxSubscriptionsPerUser();
    }

    /**
     * Takes charge of a Subscribe call's stream. Must run before the RPC method returns, because
     * gRPC accepts flow-control and cancel handlers only until then; {@link Subscription#start}
     * may come later (after a read barrier, say).
     */
    Subscription accept(ServerCallStreamObserver<ChatMessage> out) {
        Subscription subscription = new Subscription(out);
        watch(subscription);
        return subscription;
    }

    /** Takes charge of a StreamQueue call's stream; like {@link #accept}, before the RPC method returns. */
    QueueStream acceptQueue(ServerCallStreamObserver<QueueDelivery> out) {
        QueueStream stream = new QueueStream(out);
        watch(stream);
        return stream;
    }

    private void watch(PagedStream<?> stream) {
        stream.out.setOnCancelHandler(() -> remove(stream));
        stream.out.setOnReadyHandler(stream::schedule);
    }

    /** Called on the FSM thread after a batch is applied; cheap: it only wakes subscriptions. */
    void onStored(List<ChatMessage> stored) {
        String previous = null;
        for (ChatMessage message : stored) {
            String key = Conversations.key(message.getConversation());
            if (!key.equals(previous)) {
                byConversation.wake(key);
            }
            previous = key;
        }
    }

    /** Rooms someone left or that were deleted: their streams re-check who may still read them. */
    void onRoomsShrunk(List<String> rooms) {
        for (String room : rooms) {
            byConversation.wake(Conversations.key(ConversationRef.newBuilder().setRoom(room).build()));
        }
    }

    /** Called on the FSM thread with the queue rooms whose consumers or assignments an apply batch changed. */
    void onQueuesChanged(Set<String> rooms) {
        rooms.forEach(byQueue::wake);
    }

    /**
     * Called on the FSM thread with the users some of whose sessions an apply batch may have ended (a logout,
     * revocation, password change, or a login that replaced or capped others), or with {@code anyUser} after an
     * expiry: those streams check their session and end at once if it is gone.
     */
    void onSessionsEnded(Set<String> users, boolean anyUser) {
        if (anyUser) {
            byUser.wakeAll();
        } else {
            users.forEach(byUser::wake);
        }
    }

    /** After a snapshot install the whole state may have moved forward: wake everyone. */
    void onRestored() {
        byConversation.wakeAll();
        byQueue.wakeAll();
    }

    /** Streams being served now (for metrics). */
    int openSubscriptions() {
        return open;
    }

    /** Keys the hub holds in all its indexes (conversations, queues, sessions, users); 0 when no stream is open. */
    int indexedKeys() {
        return byConversation.size() + byQueue.size() + bySession.size() + byUser.size();
    }

    /** Ends every stream with UNAVAILABLE so clients resume on another node. */
    @Override
    public void close() {
        closed = true;
        byConversation.forEach(s -> s.terminate(GrpcErrors.shuttingDown()));
        byQueue.forEach(s -> s.terminate(GrpcErrors.shuttingDown()));
    }

    /** Registers a started stream, or says which limit it is over. */
    private synchronized StatusRuntimeException admit(PagedStream<?> stream, Index index, String key, Caller caller) {
        String session = HexFormat.of().formatHex(caller.tokenSha256());
        if (open >= maxPerNode) {
            return GrpcErrors.tooManySubscriptions(maxPerNode);
        }
        if (bySession.count(session) >= maxPerSession) {
            return GrpcErrors.tooManySubscriptionsPerSession(maxPerSession);
        }
        if (byUser.count(caller.username()) >= maxPerUser) {
            return GrpcErrors.tooManySubscriptionsPerUser(caller.username(), maxPerUser);
        }
        stream.index = index;
        stream.session = session;
        stream.key = key;
        index.add(key, stream);
        bySession.add(session, stream);
        byUser.add(caller.username(), stream);
        open++;
        return null;
    }

    private synchronized void remove(PagedStream<?> stream) {
        stream.cancelled = true;
        if (stream.key != null && stream.index.remove(stream.key, stream)) {
            bySession.remove(stream.session, stream);
            byUser.remove(stream.caller.username(), stream);
            open--;
        }
    }

    /**
     * Streams by a key (a conversation, a queue, a session, a user). Changed only under the hub's lock; read
     * (to wake streams) from any thread. A key goes with its last stream.
     */
    private static final class Index {
        private final ConcurrentHashMap<String, Set<PagedStream<?>>> byKey = new ConcurrentHashMap<>();

        void add(String key, PagedStream<?> stream) {
            byKey.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(stream);
        }

        boolean remove(String key, PagedStream<?> stream) {
            Set<PagedStream<?>> streams = byKey.get(key);
            if (streams == null || !streams.remove(stream)) {
                return false;
            }
            if (streams.isEmpty()) {
                byKey.remove(key);
            }
            return true;
        }

        int count(String key) {
            Set<PagedStream<?>> streams = byKey.get(key);
            return streams == null ? 0 : streams.size();
        }

        void wake(String key) {
            Set<PagedStream<?>> streams = byKey.get(key);
            if (streams != null) {
                streams.forEach(PagedStream::schedule);
            }
        }

        void wakeAll() {
            byKey.values().forEach(streams -> streams.forEach(PagedStream::schedule));
        }

        void forEach(java.util.function.Consumer<PagedStream<?>> action) {
            byKey.values().forEach(streams -> streams.forEach(action));
        }

        int size() {
            return byKey.size();
        }
    }

    /**
     * One server stream fed from local state: a cursor over items in the order their cursor grows, sent
     * page by page after it, driven by wake-ups. A WIP counter serializes drains, so only one thread at a
     * time pumps a stream, and a wake-up during a drain makes it pump again.
     */
    abstract class PagedStream<T> {
        private final ServerCallStreamObserver<T> out;
        private final AtomicInteger wip = new AtomicInteger();
        /** Only the draining thread touches the cursor once the stream is admitted. */
        private long cursor;
        private volatile Caller caller;
        /** Set on admission, under the hub's lock; {@code key} last, so a pump that sees it sees the rest. */
        private Index index;
        private String session;
        private volatile String key;
        private volatile boolean cancelled;
        private volatile StatusRuntimeException terminal;

        private PagedStream(ServerCallStreamObserver<T> out) {
            this.out = out;
        }

        /** Up to {@code limit} of the caller's items after {@code cursor}, from local state. */
        abstract List<T> readAfter(Caller caller, long cursor, int limit);

        /** Why the caller may no longer receive this stream, or null. Asked after each read. */
        abstract StatusRuntimeException noLongerAllowed(Caller caller);

        /** The cursor after sending {@code item} (which must follow {@code cursor}). */
        abstract long advance(long cursor, T item);

        /** What this stream is, for a log line. */
        abstract String describe();

        /** Ends the stream with this status (delivered on the draining thread, like every other call on it). */
        void fail(Throwable error) {
            terminate(GrpcErrors.toStatus(error));
        }

        /** Starts sending {@code caller} the items after {@code afterCursor} (the backfill first, then live) if the limits allow. */
        final void begin(Index index, String key, long afterCursor, Caller caller) {
            if (cancelled) {
                return;
            }
            if (closed) {
                terminate(GrpcErrors.shuttingDown());
                return;
            }
            this.cursor = afterCursor;
            this.caller = caller;
            StatusRuntimeException refused = admit(this, index, key, caller);
            if (refused != null) {
                terminate(refused);
                return;
            }
            if (cancelled) {
                // The client went away while we were starting; its cancel handler found nothing to remove.
                remove(this);
                return;
            }
            schedule();
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
                LOG.warn("Ending {} after {}: {}", describe(), cursor, e.toString());
                finish(GrpcErrors.stopped(e.getMessage()));
            }
        }

        private void pump() {
            while (!cancelled && key != null) {
                // A stream that is not ready reads nothing, but still checks its reader: a session that ended
                // must not keep a stalled stream open.
                List<T> page = out.isReady() ? readAfter(caller, cursor, PAGE_SIZE) : List.of();
                // Checked after the read: everything in the page was applied while the caller could still read it.
                StatusRuntimeException noLonger = noLongerAllowed(caller);
                if (noLonger != null) {
                    finish(noLonger);
                    return;
                }
                if (page.isEmpty()) {
                    return;
                }
                for (T item : page) {
                    if (!out.isReady()) {
                        // The rest is read again from the cursor when gRPC calls the ready handler.
                        return;
                    }
                    long next = advance(cursor, item);
                    out.onNext(item);
                    cursor = next;
                }
            }
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

    /** One Subscribe stream: messages of one conversation after a sequence number. */
    final class Subscription extends PagedStream<ChatMessage> {
        private volatile ConversationRef conversation;

        private Subscription(ServerCallStreamObserver<ChatMessage> out) {
            super(out);
        }

        /** Starts streaming messages with seq > afterSeq to {@code caller}: the backfill first, then live. */
        void start(ConversationRef conversation, long afterSeq, Caller caller) {
            this.conversation = Conversations.canonical(conversation);
            begin(byConversation, Conversations.key(conversation), afterSeq, caller);
        }

        @Override
        List<ChatMessage> readAfter(Caller caller, long seq, int limit) {
            return stateMachine.history(conversation, new HistoryQuery.After(seq, limit)).messages();
        }

        @Override
        StatusRuntimeException noLongerAllowed(Caller caller) {
            return GrpcErrors.noReadAccess(stateMachine.readAccess(conversation, caller.tokenSha256(), caller.username()),
                    conversation, caller.username());
        }

        @Override
        long advance(long lastSentSeq, ChatMessage message) {
            if (message.getSeq() != lastSentSeq + 1) {
                // Sequence numbers are dense by construction; anything else is a broken invariant.
                throw new IllegalStateException("sequence gap in " + Conversations.describe(conversation)
                        + ": expected " + (lastSentSeq + 1) + ", found " + message.getSeq());
            }
            return message.getSeq();
        }

        @Override
        String describe() {
            return "subscription to " + Conversations.describe(conversation);
        }
    }

    /**
     * One StreamQueue stream: one consumer's deliveries of one queue after a delivery id. Delivery ids
     * only grow, so a stream resumed with the last id its client saw sends each delivery once; a message
     * handed to the same consumer again is a new delivery.
     */
    final class QueueStream extends PagedStream<QueueDelivery> {
        private volatile String room;

        private QueueStream(ServerCallStreamObserver<QueueDelivery> out) {
            super(out);
        }

        /** Starts sending {@code caller}'s deliveries of {@code room} with an id above {@code afterDeliveryId}. */
        void start(String room, long afterDeliveryId, Caller caller) {
            this.room = room;
            begin(byQueue, room, afterDeliveryId, caller);
        }

        @Override
        List<QueueDelivery> readAfter(Caller caller, long deliveryId, int limit) {
            return stateMachine.queueDeliveriesAfter(room, caller.tokenSha256(), deliveryId, limit);
        }

        @Override
        StatusRuntimeException noLongerAllowed(Caller caller) {
            ConversationRef conversation = ConversationRef.newBuilder().setRoom(room).build();
            StatusRuntimeException noAccess = GrpcErrors.noReadAccess(
                    stateMachine.readAccess(conversation, caller.tokenSha256(), caller.username()), conversation, caller.username());
            if (noAccess != null) {
                return noAccess;
            }
            return stateMachine.consuming(room, caller.tokenSha256()) ? null : GrpcErrors.failedPrecondition("this session no "
                    + "longer consumes queue '" + room + "' (it stopped, or was offline too long): start consuming again");
        }

        @Override
        long advance(long lastSentDeliveryId, QueueDelivery delivery) {
            return delivery.getDeliveryId();
        }

        @Override
        String describe() {
            return "queue stream of #" + room;
        }
    }
}
