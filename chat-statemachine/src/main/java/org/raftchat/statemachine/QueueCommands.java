package org.raftchat.statemachine;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.raftchat.proto.v1.AckQueueMessage;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.NackQueueMessage;
import org.raftchat.proto.v1.QueuePolicy;
import org.raftchat.proto.v1.StartConsuming;
import org.raftchat.proto.v1.StopConsuming;
import org.raftchat.proto.v1.StoredAssignment;
import org.raftchat.proto.v1.StoredConsumer;
import org.raftchat.proto.v1.StoredQueue;
import org.raftchat.proto.v1.StoredSession;

/**
 * Work-queue rooms, fair in the manner of RabbitMQ's prefetch. A consumer is a session; a queue keeps
 * its consumers in the order they started and a round-robin cursor.
 *
 * <ul>
 *   <li>A consumer holds at most its prefetch of unacknowledged messages. Every other message waits;
 *       waiting messages go out in seq order, each to the first consumer with room counting from the
 *       cursor, so a consumer that acks quickly gets more work than a slow one.
 *   <li>A message handed back (a nack, its ack deadline passed, its consumer ended) waits again at its
 *       place in seq order and is passed over by the consumer it came from while another consumer
 *       exists. Once it was delivered the queue's max_deliveries times it goes to the dead-letter
 *       room instead (a copy there, by its original author, refers_to_seq its queue seq).
 *   <li>Ack deadlines are leader time: the delivery's command time plus the queue's ack timeout.
 *       The leader proposes {@code ExpireQueueDeliveries} when its state shows one passed.
 * </ul>
 *
 * All of it happens in apply, in key order, so every replica assigns the same message to the same
 * consumer with the same delivery id.
 */
final class QueueCommands {

    /** Deadlines one expiry command handles at most; the leader proposes another for the rest. */
    static final int MAX_EXPIRED_PER_COMMAND = 1_000;
    /** Assignment keys read at a time while handing out waiting messages. */
    private static final int DISPATCH_PAGE = 256;

    private final BatchStore store;
    private final StateView view;
    /** The log index and leader time of the command being applied (see {@link #beginCommand}). */
    private long index;
    private long nowMs;
    private final Set<String> changedQueues = new LinkedHashSet<>();
    private final List<ChatMessage> deadLetters = new ArrayList<>();

    private final TextErasure erasure;
    private final MessageLog log;

    QueueCommands(BatchStore store, StateView view, TextErasure erasure, MessageLog log) {
        this.store = store;
        this.view = view;
        this.erasure = erasure;
        this.log = log;
    }

    /** The dead-letter room of queue {@code room}. */
    static String deadLetterRoom(String room) {
        return room + WellKnown.DEAD_LETTER_SUFFIX;
    }

    /** Called before every command: deliveries are stamped with its time, dead letters with its index. */
    void beginCommand(long index, long timestampMs) {
        this.index = index;
        this.nowMs = timestampMs;
    }

    /** Queue rooms whose assignments or consumers changed in this batch (their streams have news). */
    Set<String> changedQueues() {
        return changedQueues;
    }

    /** Messages stored in dead-letter rooms in this batch (their subscribers have news). */
    List<ChatMessage> deadLetters() {
        return deadLetters;
    }

    /** Called when a queue room is created: it starts with no consumers. */
    void create(String room, QueuePolicy policy) {
        StoredQueue.Builder queue = StoredQueue.newBuilder().setCountsWaiting(true);
        if (policy.getAckTimeoutMs() > 0 || policy.getMaxDeliveries() > 0) {
            queue.setPolicy(policy);
        }
        store.put(Keys.queue(room), queue.build().toByteArray());
    }

    /** After a post to {@code room}: if it is a queue, message {@code seq} waits and goes out if a consumer has room. */
    void enqueue(String room, long seq) {
        StoredQueue stored = load(room);
        if (stored == null) {
            return;
        }
        StoredQueue.Builder queue = stored.toBuilder();
        store.put(Keys.assignment(room, seq), StoredAssignment.getDefaultInstance().toByteArray());
        queue.setWaiting(queue.getWaiting() + 1);
        dispatch(room, queue);
        save(room, queue);
    }

    ApplyResult start(StartConsuming body) {
        String room = body.getRoom();
        ByteString token = body.getTokenSha256();
        return view.session(token.toByteArray())
                .map(session -> queue(room).and(() -> view.mayPost(room, session.getUsername()))
                        .then(() -> start(room, token, session, body.getPrefetch())))
                .orElseGet(Refusals::sessionEnded);
    }

    private ApplyResult start(String room, ByteString token, StoredSession session, int prefetch) {
        StoredQueue.Builder queue = load(room).toBuilder();
        int index = indexOf(queue, token);
        if (index < 0) {
            queue.addConsumers(StoredConsumer.newBuilder().setTokenSha256(token).setUsername(session.getUsername())
                    .setDeviceId(session.getDeviceId()).setPrefetch(prefetch));
            store.put(Keys.sessionQueue(token.toByteArray(), room), new byte[0]);
        } else if (queue.getConsumers(index).getPrefetch() != prefetch) {
            // Starting again with another prefetch changes it; what it holds beyond a lower one stays held.
            queue.setConsumers(index, queue.getConsumers(index).toBuilder().setPrefetch(prefetch));
        } else {
            return new ApplyResult.ConsumptionChanged(room, true, queue.getConsumersCount());
        }
        dispatch(room, queue);
        save(room, queue);
        return new ApplyResult.ConsumptionChanged(room, true, queue.getConsumersCount());
    }

    ApplyResult stop(StopConsuming body) {
        String room = body.getRoom();
        return sessionAndQueue(body.getTokenSha256(), room)
                .then(() -> new ApplyResult.ConsumptionChanged(room, false, removeConsumer(room, body.getTokenSha256())));
    }

    ApplyResult ack(AckQueueMessage body) {
        String room = body.getRoom();
        long seq = body.getSeq();
        return heldBy(body.getTokenSha256(), room, seq).then(() -> {
            StoredQueue.Builder queue = load(room).toBuilder();
            untrack(room, seq, assignment(room, seq), queue);
            store.delete(Keys.assignment(room, seq));
            dispatch(room, queue);
            save(room, queue);
            return new ApplyResult.QueueAcked(room, seq);
        });
    }

    ApplyResult nack(NackQueueMessage body) {
        String room = body.getRoom();
        long seq = body.getSeq();
        return heldBy(body.getTokenSha256(), room, seq).then(() -> {
            StoredQueue.Builder queue = load(room).toBuilder();
            boolean deadLettered = handBack(room, seq, assignment(room, seq), queue);
            dispatch(room, queue);
            save(room, queue);
            return new ApplyResult.QueueNacked(room, seq, deadLettered);
        });
    }

    /** Takes back every delivery whose ack deadline is at or before the command's time (at most {@link #MAX_EXPIRED_PER_COMMAND}). */
    ApplyResult expire() {
        Map<String, StoredQueue.Builder> touched = new LinkedHashMap<>();
        int expired = 0;
        for (byte[] key : store.keysWithPrefix(Keys.queueDeadlinePrefix(), MAX_EXPIRED_PER_COMMAND)) {
            if (Keys.deadlineOf(key) > nowMs) {
                break;
            }
            String room = Keys.deadlineRoom(key);
            long seq = Keys.seqOf(key);
            StoredQueue.Builder queue = touched.computeIfAbsent(room, r -> load(r).toBuilder());
            handBack(room, seq, assignment(room, seq), queue);
            expired++;
        }
        touched.forEach((room, queue) -> {
            dispatch(room, queue);
            save(room, queue);
        });
        return new ApplyResult.QueueDeliveriesExpired(expired);
    }

    /** The session ended (logout, replaced by a newer login, offline): it stops consuming every queue. */
    void sessionEnded(byte[] tokenSha256) {
        byte[] prefix = Keys.sessionQueuePrefix(tokenSha256);
        ByteString token = ByteString.copyFrom(tokenSha256);
        for (byte[] key : store.keysWithPrefix(prefix)) {
            removeConsumer(Keys.suffix(key, prefix), token);
        }
    }

    /** {@code user} left {@code room}: their sessions stop consuming it. */
    void memberLeft(String room, String user) {
        StoredQueue queue = load(room);
        if (queue == null) {
            return;
        }
        for (StoredConsumer consumer : queue.getConsumersList()) {
            if (consumer.getUsername().equals(user)) {
                removeConsumer(room, consumer.getTokenSha256());
            }
        }
    }

    /** Message {@code seq} of {@code room} was deleted: so is the text of its dead-letter copy, if it has one. */
    void messageDeleted(String room, long seq) {
        byte[] copyKey = Keys.deadLetterCopy(room, seq);
        byte[] copySeq = store.get(copyKey);
        if (copySeq != null) {
            erasure.erase(Keys.conversation(CanonicalConversations.room(deadLetterRoom(room))), Keys.readLong(copySeq));
            store.delete(copyKey);
        }
    }

    /**
     * The room is being deleted: its queue state goes with it, and the text of its messages' dead-letter
     * copies (its dead-letter room stays, an ordinary room, with tombstones where they were). When the
     * room is itself a dead-letter room, its queue's copies are gone with it: forget where they were.
     */
    void roomDeleted(String room) {
        for (byte[] copyKey : store.keysWithPrefix(Keys.deadLetterCopiesPrefix(room))) {
            messageDeleted(room, Keys.seqOf(copyKey));
        }
        if (room.endsWith(WellKnown.DEAD_LETTER_SUFFIX)) {
            String queueRoom = room.substring(0, room.length() - WellKnown.DEAD_LETTER_SUFFIX.length());
            store.keysWithPrefix(Keys.deadLetterCopiesPrefix(queueRoom)).forEach(store::delete);
        }
        StoredQueue queue = load(room);
        if (queue == null) {
            return;
        }
        for (StoredConsumer consumer : queue.getConsumersList()) {
            byte[] token = consumer.getTokenSha256().toByteArray();
            store.delete(Keys.sessionQueue(token, room));
            store.keysWithPrefix(Keys.heldPrefix(token, room)).forEach(store::delete);
        }
        for (byte[] key : store.keysWithPrefix(Keys.assignmentPrefix(room))) {
            StoredAssignment assignment = StoredValues.decodeAssignment(store.get(key));
            if (assignment.getAckDeadlineMs() > 0) {
                store.delete(Keys.queueDeadline(assignment.getAckDeadlineMs(), room, Keys.seqOf(key)));
            }
            store.delete(key);
        }
        store.delete(Keys.queue(room));
        changedQueues.add(room);
    }

    /** Removes the consumer (if it is one) and hands its unacknowledged messages back; returns how many consumers remain. */
    private int removeConsumer(String room, ByteString token) {
        StoredQueue.Builder queue = load(room).toBuilder();
        int index = indexOf(queue, token);
        if (index < 0) {
            return queue.getConsumersCount();
        }
        for (byte[] key : store.keysWithPrefix(Keys.heldPrefix(token.toByteArray(), room))) {
            long seq = Keys.readLong(store.get(key));
            handBack(room, seq, assignment(room, seq), queue);
        }
        queue.removeConsumers(index);
        int next = queue.getNextConsumer();
        if (index < next) {
            next--;
        }
        queue.setNextConsumer(next >= queue.getConsumersCount() ? 0 : next);
        store.delete(Keys.sessionQueue(token.toByteArray(), room));
        dispatch(room, queue);
        save(room, queue);
        return queue.getConsumersCount();
    }

    /**
     * Takes an assigned message back from its consumer: it waits again (passed over by that consumer
     * while another exists), or goes to the dead-letter room when it had its last allowed delivery.
     * Returns whether it was dead-lettered.
     */
    private boolean handBack(String room, long seq, StoredAssignment assignment, StoredQueue.Builder queue) {
        untrack(room, seq, assignment, queue);
        int maxDeliveries = queue.getPolicy().getMaxDeliveries();
        // Should the owner have deleted the dead-letter room, the message keeps going round instead of vanishing.
        if (maxDeliveries > 0 && assignment.getDeliveries() >= maxDeliveries && view.roomExists(deadLetterRoom(room))) {
            store.delete(Keys.assignment(room, seq));
            deadLetter(room, seq);
            return true;
        }
        store.put(Keys.assignment(room, seq), StoredAssignment.newBuilder().setDeliveries(assignment.getDeliveries())
                .setPreviousTokenSha256(assignment.getTokenSha256()).build().toByteArray());
        queue.setWaiting(queue.getWaiting() + 1);
        return false;
    }

    /** Forgets that the consumer holds the message: its held and deadline index entries, one less in flight. */
    private void untrack(String room, long seq, StoredAssignment assignment, StoredQueue.Builder queue) {
        store.delete(Keys.held(assignment.getTokenSha256().toByteArray(), room, assignment.getDeliveryId()));
        if (assignment.getAckDeadlineMs() > 0) {
            store.delete(Keys.queueDeadline(assignment.getAckDeadlineMs(), room, seq));
        }
        int holder = indexOf(queue, assignment.getTokenSha256());
        if (holder >= 0) {
            StoredConsumer consumer = queue.getConsumers(holder);
            // Not below 0: a message assigned before in-flight counts were kept was never counted.
            queue.setConsumers(holder, consumer.toBuilder().setInFlight(Math.max(0, consumer.getInFlight() - 1)));
        }
    }

    /** A copy of queue message {@code seq} in the dead-letter room, by its author, pointing at its queue seq. */
    private void deadLetter(String room, long seq) {
        byte[] original = store.get(Keys.message(Keys.conversation(CanonicalConversations.room(room)), seq));
        if (original == null) {
            throw new StateMachineException("queue room '" + room + "' holds seq " + seq + ", which has no message");
        }
        ChatMessage message = StoredValues.parseMessage(original);
        ChatMessage.Builder draft = ChatMessage.newBuilder().setConversation(CanonicalConversations.room(deadLetterRoom(room)))
                .setAuthor(message.getAuthor()).setText(message.getText()).setRefersToSeq(seq);
        ChatMessage copy = log.append(draft, index, nowMs).message();
        deadLetters.add(copy);
        // The copy repeats the text: deleting the message (or its room) must find it.
        store.put(Keys.deadLetterCopy(room, seq), Keys.longBytes(copy.getSeq()));
    }

    /**
     * Hands out waiting messages, in seq order, while some consumer has room. Each goes to the first
     * consumer with room from the cursor on, passing over the one it was taken from unless that one
     * is the only consumer; a message only that one could take keeps waiting.
     */
    private void dispatch(String room, StoredQueue.Builder queue) {
        byte[] prefix = Keys.assignmentPrefix(room);
        byte[] from = prefix;
        // In pages, so a long backlog is read only as far as there is room for it.
        while (mayWait(queue) && anyRoom(queue)) {
            List<byte[]> page = store.keysInRange(from, Keys.prefixEnd(prefix), DISPATCH_PAGE);
            for (byte[] key : page) {
                if (!mayWait(queue) || !anyRoom(queue)) {
                    return;
                }
                StoredAssignment assignment = StoredValues.decodeAssignment(store.get(key));
                int consumer = assignment.getTokenSha256().isEmpty() ? pick(queue, assignment.getPreviousTokenSha256()) : -1;
                if (consumer >= 0) {
                    deliver(room, Keys.seqOf(key), assignment.getDeliveries(), consumer, queue);
                }
            }
            if (page.size() < DISPATCH_PAGE) {
                return;
            }
            from = Keys.successor(page.get(page.size() - 1));
        }
    }

    private void deliver(String room, long seq, int previousDeliveries, int consumerIndex, StoredQueue.Builder queue) {
        StoredConsumer consumer = queue.getConsumers(consumerIndex);
        long deliveryId = queue.getLastDeliveryId() + 1;
        long timeoutMs = queue.getPolicy().getAckTimeoutMs();
        long deadlineMs = timeoutMs > 0 ? nowMs + timeoutMs : 0;
        store.put(Keys.assignment(room, seq), StoredAssignment.newBuilder().setTokenSha256(consumer.getTokenSha256())
                .setDeliveries(previousDeliveries + 1).setAckDeadlineMs(deadlineMs).setDeliveryId(deliveryId)
                .build().toByteArray());
        store.put(Keys.held(consumer.getTokenSha256().toByteArray(), room, deliveryId), Keys.longBytes(seq));
        if (deadlineMs > 0) {
            store.put(Keys.queueDeadline(deadlineMs, room, seq), new byte[0]);
        }
        queue.setConsumers(consumerIndex, consumer.toBuilder().setInFlight(consumer.getInFlight() + 1));
        queue.setLastDeliveryId(deliveryId).setWaiting(Math.max(0, queue.getWaiting() - 1))
                .setNextConsumer((consumerIndex + 1) % queue.getConsumersCount());
    }

    /** The first consumer with room from the cursor on, not {@code passOver} unless it is the only consumer; -1 if none. */
    private static int pick(StoredQueue.Builder queue, ByteString passOver) {
        int count = queue.getConsumersCount();
        boolean alone = count == 1;
        for (int step = 0; step < count; step++) {
            int candidate = (queue.getNextConsumer() + step) % count;
            StoredConsumer consumer = queue.getConsumers(candidate);
            if (hasRoom(consumer) && (alone || !consumer.getTokenSha256().equals(passOver))) {
                return candidate;
            }
        }
        return -1;
    }

    /** Whether some message may be waiting: the count says so, or the queue was stored before it was counted. */
    private static boolean mayWait(StoredQueue.Builder queue) {
        return !queue.getCountsWaiting() || queue.getWaiting() > 0;
    }

    /** Whether some consumer has room (none: nothing to hand out). */
    private static boolean anyRoom(StoredQueue.Builder queue) {
        for (StoredConsumer consumer : queue.getConsumersList()) {
            if (hasRoom(consumer)) {
                return true;
            }
        }
        return false;
    }

    /** Prefetch 0 (a consumer started before prefetch existed): no limit. */
    private static boolean hasRoom(StoredConsumer consumer) {
        return consumer.getPrefetch() == 0 || consumer.getInFlight() < consumer.getPrefetch();
    }

    /** Whether the session holds message {@code seq} of the queue, as an ack or a nack needs. */
    private Check heldBy(ByteString token, String room, long seq) {
        return sessionAndQueue(token, room).and(() -> {
            byte[] value = store.get(Keys.assignment(room, seq));
            if (value == null) {
                return notAssigned("message " + seq + " of queue '" + room + "' is not waiting for an acknowledgement "
                        + "(acknowledged already, dead-lettered, or not a post to the queue)");
            }
            ByteString holder = StoredValues.decodeAssignment(value).getTokenSha256();
            return holder.equals(token) ? Check.PASSED : notAssigned("message " + seq + " of queue '" + room
                    + "' is assigned to another consumer" + (holder.isEmpty() ? " (none yet)" : ""));
        });
    }

    private Check sessionAndQueue(ByteString token, String room) {
        return view.session(token.toByteArray()).isEmpty() ? Check.refused(Refusals.sessionEnded()) : queue(room);
    }

    /** Whether {@code room} is a work queue. */
    private Check queue(String room) {
        return view.knownRoom(room).and(() -> Check.require(load(room) != null, Rejection.NOT_A_QUEUE,
                () -> "room '" + room + "' is not a work queue"));
    }

    private StoredAssignment assignment(String room, long seq) {
        return StoredValues.decodeAssignment(store.get(Keys.assignment(room, seq)));
    }

    private StoredQueue load(String room) {
        byte[] value = store.get(Keys.queue(room));
        return value == null ? null : StoredValues.decodeQueue(room, value);
    }

    private void save(String room, StoredQueue.Builder queue) {
        store.put(Keys.queue(room), queue.build().toByteArray());
        changedQueues.add(room);
    }

    private static int indexOf(StoredQueue.Builder queue, ByteString token) {
        for (int i = 0; i < queue.getConsumersCount(); i++) {
            if (queue.getConsumers(i).getTokenSha256().equals(token)) {
                return i;
            }
        }
        return -1;
    }

    private static Check notAssigned(String detail) {
        return Check.refused(Rejection.NOT_ASSIGNED, detail);
    }
}
