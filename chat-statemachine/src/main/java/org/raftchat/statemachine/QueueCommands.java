package org.raftchat.statemachine;

import com.google.protobuf.ByteString;
import org.raftchat.proto.v1.AckQueueMessage;
import org.raftchat.proto.v1.StartConsuming;
import org.raftchat.proto.v1.StopConsuming;
import org.raftchat.proto.v1.StoredAssignment;
import org.raftchat.proto.v1.StoredConsumer;
import org.raftchat.proto.v1.StoredQueue;
import org.raftchat.proto.v1.StoredSession;

/**
 * Work-queue rooms. A consumer is a session; a queue keeps its consumers in the order they started
 * and a round-robin cursor. Every post is assigned to the consumer whose turn it is (or waits while
 * there is none); a consumer that ends, by stopping, leaving the room, logging out or going offline,
 * hands its unacknowledged messages on, round-robin again. All of it happens in apply, in key order,
 * so every replica assigns the same message to the same consumer.
 */
final class QueueCommands {

    private final ApplyStore store;

    QueueCommands(ApplyStore store) {
        this.store = store;
    }

    /** Called when a queue room is created: it starts with no consumers. */
    void create(String room) {
        store.put(Keys.queue(room), StoredQueue.getDefaultInstance().toByteArray());
    }

    /** After a post to {@code room}: if it is a queue, message {@code seq} goes to the next consumer, or waits for one. */
    void enqueue(String room, long seq) {
        StoredQueue stored = load(room);
        if (stored == null) {
            return;
        }
        StoredQueue.Builder queue = stored.toBuilder();
        assign(Keys.assignment(room, seq), queue, 0);
        save(room, queue);
    }

    ApplyResult start(StartConsuming body) {
        String room = body.getRoom();
        ByteString token = body.getTokenSha256();
        StoredSession session = session(token);
        if (session == null) {
            return sessionEnded();
        }
        ApplyResult.Rejected refused = checkQueue(room);
        if (refused == null && store.get(Keys.member(room, session.getUsername())) == null) {
            refused = new ApplyResult.Rejected(Rejection.NOT_A_MEMBER, session.getUsername() + " is not a member of room '" + room + "'");
        }
        if (refused != null) {
            return refused;
        }
        StoredQueue.Builder queue = load(room).toBuilder();
        if (indexOf(queue, token) < 0) {
            queue.addConsumers(StoredConsumer.newBuilder()
                    .setTokenSha256(token).setUsername(session.getUsername()).setDeviceId(session.getDeviceId()));
            store.put(Keys.sessionQueue(token.toByteArray(), room), new byte[0]);
            handOut(room, queue, ByteString.EMPTY);
            save(room, queue);
        }
        return new ApplyResult.ConsumptionChanged(room, true, queue.getConsumersCount());
    }

    ApplyResult stop(StopConsuming body) {
        String room = body.getRoom();
        ApplyResult.Rejected refused = checkSessionAndQueue(body.getTokenSha256(), room);
        if (refused != null) {
            return refused;
        }
        return new ApplyResult.ConsumptionChanged(room, false, removeConsumer(room, body.getTokenSha256()));
    }

    ApplyResult ack(AckQueueMessage body) {
        String room = body.getRoom();
        long seq = body.getSeq();
        ApplyResult.Rejected refused = checkSessionAndQueue(body.getTokenSha256(), room);
        if (refused != null) {
            return refused;
        }
        byte[] key = Keys.assignment(room, seq);
        byte[] value = store.get(key);
        if (value == null) {
            return notAssigned("message " + seq + " of queue '" + room + "' is not waiting for an acknowledgement "
                    + "(acknowledged already, or not a post to the queue)");
        }
        StoredAssignment assignment = StoredValues.decodeAssignment(value);
        if (!assignment.getTokenSha256().equals(body.getTokenSha256())) {
            return notAssigned("message " + seq + " of queue '" + room + "' is assigned to another consumer"
                    + (assignment.getTokenSha256().isEmpty() ? " (none yet)" : ""));
        }
        store.delete(key);
        return new ApplyResult.QueueAcked(room, seq);
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

    /** The room is being deleted: its queue state goes with it. */
    void roomDeleted(String room) {
        StoredQueue queue = load(room);
        if (queue == null) {
            return;
        }
        for (StoredConsumer consumer : queue.getConsumersList()) {
            store.delete(Keys.sessionQueue(consumer.getTokenSha256().toByteArray(), room));
        }
        store.keysWithPrefix(Keys.assignmentPrefix(room)).forEach(store::delete);
        store.delete(Keys.queue(room));
    }

    /** Removes the consumer (if it is one) and hands its unacknowledged messages on; returns how many consumers remain. */
    private int removeConsumer(String room, ByteString token) {
        StoredQueue.Builder queue = load(room).toBuilder();
        int index = indexOf(queue, token);
        if (index < 0) {
            return queue.getConsumersCount();
        }
        queue.removeConsumers(index);
        int next = queue.getNextConsumer();
        if (index < next) {
            next--;
        }
        queue.setNextConsumer(next >= queue.getConsumersCount() ? 0 : next);
        store.delete(Keys.sessionQueue(token.toByteArray(), room));
        handOut(room, queue, token);
        save(room, queue);
        return queue.getConsumersCount();
    }

    /** Reassigns, in seq order, every unacknowledged message held by {@code from} (empty: the waiting ones). */
    private void handOut(String room, StoredQueue.Builder queue, ByteString from) {
        if (from.isEmpty() && queue.getConsumersCount() == 0) {
            return;
        }
        for (byte[] key : store.keysWithPrefix(Keys.assignmentPrefix(room))) {
            StoredAssignment assignment = StoredValues.decodeAssignment(store.get(key));
            if (assignment.getTokenSha256().equals(from)) {
                assign(key, queue, assignment.getDeliveries());
            }
        }
    }

    /** Gives the message to the consumer whose turn it is, or leaves it waiting when there is none. */
    private void assign(byte[] assignmentKey, StoredQueue.Builder queue, int previousDeliveries) {
        StoredAssignment.Builder assignment = StoredAssignment.newBuilder().setDeliveries(previousDeliveries);
        if (queue.getConsumersCount() > 0) {
            int turn = queue.getNextConsumer();
            assignment.setTokenSha256(queue.getConsumers(turn).getTokenSha256()).setDeliveries(previousDeliveries + 1);
            queue.setNextConsumer((turn + 1) % queue.getConsumersCount());
        }
        store.put(assignmentKey, assignment.build().toByteArray());
    }

    private ApplyResult.Rejected checkSessionAndQueue(ByteString token, String room) {
        return session(token) == null ? sessionEnded() : checkQueue(room);
    }

    private ApplyResult.Rejected checkQueue(String room) {
        byte[] value = store.get(Keys.room(room));
        if (value == null) {
            return new ApplyResult.Rejected(Rejection.ROOM_NOT_FOUND, "room '" + room + "' does not exist");
        }
        if (load(room) == null) {
            return new ApplyResult.Rejected(Rejection.NOT_A_QUEUE, "room '" + room + "' is not a work queue");
        }
        return null;
    }

    private StoredSession session(ByteString token) {
        byte[] value = store.get(Keys.session(token.toByteArray()));
        return value == null ? null : StoredValues.decodeSession(value);
    }

    private StoredQueue load(String room) {
        byte[] value = store.get(Keys.queue(room));
        return value == null ? null : StoredValues.decodeQueue(room, value);
    }

    private void save(String room, StoredQueue.Builder queue) {
        store.put(Keys.queue(room), queue.build().toByteArray());
    }

    private static int indexOf(StoredQueue.Builder queue, ByteString token) {
        for (int i = 0; i < queue.getConsumersCount(); i++) {
            if (queue.getConsumers(i).getTokenSha256().equals(token)) {
                return i;
            }
        }
        return -1;
    }

    private static ApplyResult.Rejected sessionEnded() {
        return new ApplyResult.Rejected(Rejection.SESSION_NOT_FOUND, "the session has ended: log in again");
    }

    private static ApplyResult.Rejected notAssigned(String detail) {
        return new ApplyResult.Rejected(Rejection.NOT_ASSIGNED, detail);
    }
}
