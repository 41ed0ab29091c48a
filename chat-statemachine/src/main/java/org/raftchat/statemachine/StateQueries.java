package org.raftchat.statemachine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.QueueConsumerStatus;
import org.raftchat.proto.v1.QueueDelivery;
import org.raftchat.proto.v1.QueueStatus;
import org.raftchat.proto.v1.StoredAssignment;
import org.raftchat.proto.v1.StoredConsumer;
import org.raftchat.proto.v1.StoredQueue;
import org.raftchat.proto.v1.StoredUser;
import org.raftchat.proto.v1.UnreadCount;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Reads of accounts, sessions, rooms and read positions from one snapshot, deciding by the same
 * rules as apply ({@link StateView}).
 */
final class StateQueries {

    private final RocksDB db;
    private final ReadOptions readOptions;
    private final SnapshotReader reader;
    private final StateView view;
    /** The latest leader time applied (kept in memory by the state machine): no read per session lookup. */
    private final long lastTimestampMs;

    StateQueries(RocksDB db, ReadOptions readOptions, long lastTimestampMs) {
        this.db = db;
        this.readOptions = readOptions;
        this.reader = new SnapshotReader(db, readOptions);
        this.view = new StateView(reader);
        this.lastTimestampMs = lastTimestampMs;
    }

    Optional<UserInfo> user(String name) {
        byte[] value = get(Keys.user(name));
        if (value == null) {
            return Optional.empty();
        }
        StoredUser user = StoredValues.decodeUser(name, value);
        return Optional.of(new UserInfo(name, user.getNickname(), user.getPasswordHash()));
    }

    LoginFailures loginFailures(String user, String address) {
        org.raftchat.proto.v1.StoredLoginFailures pair = loginRecord(Keys.userLoginFailures(user, address));
        org.raftchat.proto.v1.StoredLoginFailures byAddress = loginRecord(Keys.addressLoginFailures(address));
        return new LoginFailures(pair.getFailures(), pair.getLockedUntilMs(), byAddress.getFailures(), byAddress.getLockedUntilMs());
    }

    private org.raftchat.proto.v1.StoredLoginFailures loginRecord(byte[] key) {
        byte[] value = get(key);
        return value == null ? org.raftchat.proto.v1.StoredLoginFailures.getDefaultInstance() : StoredValues.decodeLoginFailures(value);
    }

    int loginFailureRecords() {
        byte[] value = get(Keys.LOGIN_FAILURE_RECORDS);
        return value == null ? 0 : Math.toIntExact(Keys.readLong(value));
    }

    /**
     * The stored session, whatever its lifetimes: the caller refuses one past a lifetime at the latest
     * leader time applied. Such a session is over in leader time (apply refuses its heartbeats and the
     * leader's next expiry command ends it), so refusing it is never early, on any replica.
     */
    Optional<org.raftchat.proto.v1.StoredSession> storedSession(byte[] tokenSha256) {
        return view.session(tokenSha256);
    }

    private Optional<org.raftchat.proto.v1.StoredSession> liveSession(byte[] tokenSha256) {
        return view.liveSession(tokenSha256, lastTimestampMs);
    }

    /** Whether the live session with this token is online (logged in or heard from within the presence timeout). */
    boolean sessionOnline(byte[] tokenSha256) {
        return liveSession(tokenSha256).map(org.raftchat.proto.v1.StoredSession::getOnline).orElse(false);
    }

    /** The user's live sessions, oldest login first (then by id); {@code currentToken}'s is marked. */
    List<SessionView> sessions(String user, byte[] currentToken) {
        long nowMs = lastTimestampMs;
        List<SessionView> views = new ArrayList<>();
        scan(Keys.devicePrefix(user), (key, token) -> {
            view.liveSession(token, nowMs).ifPresent(s -> views.add(new SessionView(SessionLifetimes.id(token), s.getDeviceId(), s.getOpenedAtMs(), s.getLastSeenMs(),
                        SessionLifetimes.idleDeadlineMs(s), s.getExpiresAtMs(), s.getOnline(),
                        java.util.Arrays.equals(token, currentToken))));
        });
        views.sort(java.util.Comparator.comparingLong(SessionView::createdAtMs).thenComparing(SessionView::id));
        return views;
    }

    /** Whether an expiry command at leader time {@code timeMs} would end some session (the test apply makes). */
    boolean anySessionExpiredAt(long timeMs) {
        boolean[] found = {false};
        scan(new byte[] {Keys.SESSION}, (key, value) -> found[0] |= SessionLifetimes.expiredAt(StoredValues.decodeSession(value), timeMs));
        return found[0];
    }

    Optional<RoomInfo> room(String name) {
        byte[] value = get(Keys.room(name));
        return Optional.ofNullable(value).map(v -> StoredValues.decodeRoom(name, v, memberCount(name)));
    }

    List<RoomInfo> rooms() {
        byte[] prefix = {Keys.ROOM};
        List<RoomInfo> rooms = new ArrayList<>();
        scan(prefix, (key, value) -> {
            String name = Keys.suffix(key, prefix);
            rooms.add(StoredValues.decodeRoom(name, value, memberCount(name)));
        });
        return rooms;
    }

    List<String> members(String room) {
        return suffixes(Keys.memberPrefix(room));
    }

    boolean isMember(String room, String user) {
        return view.isMember(room, user);
    }

    /** The read rule for a live session of {@code user} (the caller checks the session): see {@link StateView#readAccess}. */
    ReadAccess readAccess(ConversationRef conversation, String user) {
        return view.readAccess(conversation, user);
    }

    /** A slice of a conversation ({@code conversation} canonical) as it is stored, from this snapshot. */
    StoredHistoryPage storedHistory(ConversationRef conversation, HistoryQuery query) {
        HistoryReader reader = new HistoryReader(db, readOptions, Keys.conversation(conversation));
        return new StoredHistoryPage(reader.readEncoded(query), reader.lastSeq());
    }

    /** Users with at least one online session, sorted. O(sessions). */
    List<String> online() {
        java.util.TreeSet<String> users = new java.util.TreeSet<>();
        scan(new byte[] {Keys.SESSION}, (key, value) -> {
            org.raftchat.proto.v1.StoredSession session = StoredValues.decodeSession(value);
            if (session.getOnline()) {
                users.add(session.getUsername());
            }
        });
        return List.copyOf(users);
    }

    /**
     * Token digests of the online sessions a presence tick proposed at leader clock {@code clockMs}
     * would find silent for {@code timeoutMs} ({@link PresenceCommands#silentAt}), at the time apply
     * would give that tick ({@link BatchApplier#commandTimeMs}).
     */
    List<byte[]> onlineSilentAt(long clockMs, long timeoutMs) {
        long nowMs = BatchApplier.commandTimeMs(clockMs, lastTimestampMs);
        List<byte[]> silent = new ArrayList<>();
        scan(new byte[] {Keys.SESSION}, (key, value) -> {
            if (PresenceCommands.silentAt(StoredValues.decodeSession(value), nowMs, timeoutMs)) {
                silent.add(java.util.Arrays.copyOfRange(key, 1, key.length));
            }
        });
        return silent;
    }

    boolean isOnline(String user) {
        boolean[] online = {false};
        scan(Keys.devicePrefix(user), (key, token) -> {
            byte[] value = get(Keys.session(token));
            online[0] |= value != null && StoredValues.decodeSession(value).getOnline();
        });
        return online[0];
    }

    java.util.SortedMap<String, String> awayMessages(java.util.Collection<String> users) {
        java.util.SortedMap<String, String> away = new java.util.TreeMap<>();
        for (String user : users) {
            byte[] value = get(Keys.user(user));
            String message = value == null ? "" : StoredValues.decodeUser(user, value).getAwayMessage();
            if (!message.isEmpty()) {
                away.put(user, message);
            }
        }
        return away;
    }

    /** The user's friends, sorted, each with whether they are online. */
    java.util.Map<String, Boolean> friends(String user) {
        java.util.Map<String, Boolean> friends = new java.util.LinkedHashMap<>();
        for (String friend : suffixes(Keys.friendPrefix(user))) {
            friends.put(friend, isOnline(friend));
        }
        return friends;
    }

    long lastSeq(byte[] conversationKey) {
        return view.lastSeq(conversationKey);
    }

    /** The user's rooms (by name), then private conversations (by key order), each with its read position. */
    List<UnreadCount> unread(String user) {
        List<UnreadCount> counts = new ArrayList<>();
        for (String room : suffixes(Keys.userRoomPrefix(user))) {
            counts.add(count(user, CanonicalConversations.room(room)));
        }
        byte[] directPrefix = Keys.userDirectPrefix(user);
        scan(directPrefix, (key, value) -> counts.add(count(user, Keys.decodeConversation(key, directPrefix.length))));
        return counts;
    }

    /** The unacknowledged messages of a queue room assigned to the session, by seq, at most {@code limit}. */
    List<QueueDelivery> queueDeliveries(String room, byte[] tokenSha256, int limit) {
        // A scan of the room's assignments rather than the delivery index: it also finds messages
        // assigned before deliveries were indexed.
        com.google.protobuf.ByteString token = com.google.protobuf.ByteString.copyFrom(tokenSha256);
        List<QueueDelivery> deliveries = new ArrayList<>();
        scan(Keys.assignmentPrefix(room), (key, value) -> {
            StoredAssignment assignment = StoredValues.decodeAssignment(value);
            if (deliveries.size() < limit && assignment.getTokenSha256().equals(token)) {
                deliveries.add(delivery(room, Keys.seqOf(key), assignment));
            }
        });
        return deliveries;
    }

    private QueueDelivery delivery(String room, long seq, StoredAssignment assignment) {
        byte[] message = get(Keys.message(Keys.conversation(CanonicalConversations.room(room)), seq));
        if (message == null) {
            throw new StateMachineException("queue room '" + room + "' assigns seq " + seq + ", which has no message");
        }
        return QueueDelivery.newBuilder().setMessage(StoredValues.parseMessage(message)).setDeliveryCount(assignment.getDeliveries())
                .setDeliveryId(assignment.getDeliveryId()).setAckDeadlineMs(assignment.getAckDeadlineMs()).build();
    }

    /** The session's deliveries of a queue room with a delivery id above {@code afterDeliveryId}, by id, at most {@code limit}. */
    List<QueueDelivery> queueDeliveriesAfter(String room, byte[] tokenSha256, long afterDeliveryId, int limit) {
        byte[] prefix = Keys.heldPrefix(tokenSha256, room);
        List<QueueDelivery> deliveries = new ArrayList<>();
        reader.scan(prefix, Keys.held(tokenSha256, room, afterDeliveryId + 1), (key, value) -> {
            if (deliveries.size() >= limit) {
                return;
            }
            long seq = Keys.readLong(value);
            byte[] assignment = get(Keys.assignment(room, seq));
            if (assignment == null) {
                throw new StateMachineException("queue room '" + room + "' has a delivery of seq " + seq + " without its assignment");
            }
            deliveries.add(delivery(room, seq, StoredValues.decodeAssignment(assignment)));
        });
        return deliveries;
    }

    boolean consuming(String room, byte[] tokenSha256) {
        return get(Keys.sessionQueue(tokenSha256, room)) != null;
    }

    /** Whether some queue delivery's ack deadline is at or before {@code timeMs} (the test an expiry command makes). */
    boolean anyQueueDeliveryDueAt(long timeMs) {
        boolean[] due = {false};
        try (RocksIterator it = db.newIterator(readOptions)) {
            it.seek(Keys.queueDeadlinePrefix());
            due[0] = it.isValid() && Keys.startsWith(it.key(), Keys.queueDeadlinePrefix()) && Keys.deadlineOf(it.key()) <= timeMs;
            it.status();
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB iteration failed", e);
        }
        return due[0];
    }

    /** A queue room's consumers (in the order they started) with what each holds, and how many messages wait; empty if not a queue. */
    Optional<QueueStatus> queueStatus(String room) {
        byte[] value = get(Keys.queue(room));
        if (value == null) {
            return Optional.empty();
        }
        StoredQueue queue = StoredValues.decodeQueue(room, value);
        QueueStatus.Builder status = QueueStatus.newBuilder().setRoom(room).setWaiting(queue.getWaiting())
                .setPolicy(queue.getPolicy());
        if (queue.getPolicy().getMaxDeliveries() > 0) {
            status.setDeadLetterRoom(QueueCommands.deadLetterRoom(room));
        }
        for (StoredConsumer consumer : queue.getConsumersList()) {
            status.addConsumers(QueueConsumerStatus.newBuilder().setUsername(consumer.getUsername())
                    .setDeviceId(consumer.getDeviceId()).setInFlight(consumer.getInFlight()).setPrefetch(consumer.getPrefetch()));
        }
        return Optional.of(status.build());
    }

    private UnreadCount count(String user, ConversationRef conversation) {
        byte[] conversationKey = Keys.conversation(conversation);
        long last = view.lastSeq(conversationKey);
        long read = view.readSeq(user, conversationKey);
        return UnreadCount.newBuilder().setConversation(conversation).setReadSeq(read).setLastSeq(last)
                .setUnread(Math.max(0, last - read)).build();
    }

    private int memberCount(String room) {
        return view.memberCount(room);
    }

    private List<String> suffixes(byte[] prefix) {
        List<String> names = new ArrayList<>();
        scan(prefix, (key, value) -> names.add(Keys.suffix(key, prefix)));
        return names;
    }

    private void scan(byte[] prefix, StateReader.Visitor visitor) {
        reader.scan(prefix, visitor);
    }

    private byte[] get(byte[] key) {
        return reader.get(key);
    }
}
