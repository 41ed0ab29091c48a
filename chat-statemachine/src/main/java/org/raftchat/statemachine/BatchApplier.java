package org.raftchat.statemachine;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.CommandBatch;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.PostRoomMessage;
import org.raftchat.proto.v1.SendDirectMessage;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/**
 * Applies one batch of entries into a {@link WriteBatchWithIndex}, reading through it so that every
 * entry sees the effects of the entries before it in the same batch (rooms, seq counters,
 * idempotency keys). Writes nothing to the database itself: the caller commits the batch, or drops
 * it when an exception escapes ({@link CorruptLogException},
 * {@link StateMachineException}, {@link ApplyFailedException}).
 *
 * <p>Deterministic: the outcome depends only on the stored state and the entries. Single use, one thread.
 */
final class BatchApplier implements ApplyStore {

    private final RocksDB db;
    private final WriteBatchWithIndex batch;
    private final ReadOptions readOptions;
    private long appliedIndex;
    private long lastTimestampMs;
    private long previousIndex = 0;
    private final List<KeyRange> erasedRanges = new ArrayList<>();
    private final TextErasure erasure = new TextErasure(this);
    private final QueueCommands queues = new QueueCommands(this, erasure);
    private final RoomCommands rooms = new RoomCommands(this, queues, erasure);
    private final SessionCommands sessions = new SessionCommands(this, queues);
    private final AccountCommands accounts = new AccountCommands(this, rooms, sessions);
    private final MessageCommands messages = new MessageCommands(this, rooms, queues, erasure);
    private final PresenceCommands presence = new PresenceCommands(this, queues);
    private final IdempotencyRecords idempotency = new IdempotencyRecords(this);
    private final LoginFailureCommands loginFailures = new LoginFailureCommands(this);
    private final ModerationCommands moderation = new ModerationCommands(this, rooms, queues);

    BatchApplier(RocksDB db, WriteBatchWithIndex batch, ReadOptions readOptions, long appliedIndex, long lastTimestampMs) {
        this.db = db;
        this.batch = batch;
        this.readOptions = readOptions;
        this.appliedIndex = appliedIndex;
        this.lastTimestampMs = lastTimestampMs;
    }

    /** The applied index after the entries given so far. */
    long appliedIndex() {
        return appliedIndex;
    }

    /** Queue rooms whose consumers or assignments changed, and messages stored in dead-letter rooms, so far. */
    QueueCommands queueEffects() {
        return queues;
    }

    /** The highest stored timestamp after the entries given so far. */
    long lastTimestampMs() {
        return lastTimestampMs;
    }

    List<ApplyResult> applyAll(List<LogEntry> entries) {
        List<ApplyResult> results = new ArrayList<>(entries.size());
        for (LogEntry entry : entries) {
            results.add(applyEntry(entry));
        }
        return results;
    }

    private ApplyResult applyEntry(LogEntry entry) {
        requireIncreasing(entry.index());
        if (entry.index() <= appliedIndex) {
            // Raft replays from the last snapshot after a restart; these effects are already stored.
            return new ApplyResult.AlreadyApplied();
        }
        Command command = decode(entry);
        ApplyResult result = command.getBodyCase() == Command.BodyCase.BATCH
                ? applyGroup(entry.index(), command.getBatch())
                : applyCommand(entry.index(), command);
        appliedIndex = entry.index();
        return result;
    }

    /** The commands of one group-committed entry, in order, each as if it were an entry of its own. */
    private ApplyResult applyGroup(long index, CommandBatch group) {
        if (group.getCommandsCount() == 0) {
            throw new CorruptLogException(index, "empty CommandBatch", null);
        }
        List<ApplyResult> results = new ArrayList<>(group.getCommandsCount());
        for (Command command : group.getCommandsList()) {
            requireBody(index, command);
            if (command.getBodyCase() == Command.BodyCase.BATCH) {
                throw new CorruptLogException(index, "nested CommandBatch", null);
            }
            results.add(applyCommand(index, command));
        }
        return new ApplyResult.Batched(results);
    }

    private void requireIncreasing(long index) {
        if (index < 1) {
            throw new CorruptLogException(index, "Raft indexes start at 1", null);
        }
        if (index <= previousIndex) {
            throw new CorruptLogException(index, "index does not increase (previous entry in batch: " + previousIndex + ")", null);
        }
        previousIndex = index;
    }

    private static Command decode(LogEntry entry) {
        Command command;
        try {
            command = Command.parseFrom(entry.data());
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptLogException(entry.index(), "not a Command: " + e.getMessage(), e);
        }
        requireBody(entry.index(), command);
        return command;
    }

    private static void requireBody(long index, Command command) {
        // An unset body is also what an unknown (newer) body type looks like: applying nothing would diverge.
        if (command.getBodyCase() == Command.BodyCase.BODY_NOT_SET) {
            throw new CorruptLogException(index, "Command has no body", null);
        }
    }

    /**
     * One command; an unexpected exception becomes an {@link ApplyFailedException} naming the entry
     * and the command, so the replica that stops can say which one. Corruption and storage failures
     * pass through as they are: they have their own repairs.
     */
    private ApplyResult applyCommand(long index, Command command) {
        try {
            return applyKnownCommand(index, command);
        } catch (CorruptLogException | StateMachineException | ApplyFailedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ApplyFailedException(index, command.getBodyCase().name(), e);
        }
    }

    private ApplyResult applyKnownCommand(long index, Command command) {
        boolean keyed = !command.getIdempotencyKey().isEmpty();
        long timestampMs = Math.max(command.getLeaderTimeMs(), lastTimestampMs);
        if (keyed) {
            ApplyResult remembered = idempotency.lookup(command, timestampMs);
            if (remembered != null) {
                return remembered;
            }
        }
        queues.beginCommand(index, timestampMs);
        ApplyResult result = applyBody(index, timestampMs, command);
        if (!(result instanceof ApplyResult.Rejected)) {
            lastTimestampMs = timestampMs;
            if (keyed) {
                idempotency.remember(command, timestampMs, result);
            }
        }
        return result;
    }

    private ApplyResult applyBody(long index, long timestampMs, Command command) {
        return switch (command.getBodyCase()) {
            case CREATE_ROOM -> rooms.createRoom(index, timestampMs, command.getCreateRoom());
            case POST_ROOM_MESSAGE -> postRoomMessage(index, timestampMs, command.getPostRoomMessage());
            case SEND_DIRECT_MESSAGE -> sendDirectMessage(index, timestampMs, command.getSendDirectMessage());
            case REGISTER_USER -> accounts.register(index, timestampMs, command.getRegisterUser());
            case OPEN_SESSION -> accounts.openSession(timestampMs, command.getOpenSession());
            case CLOSE_SESSION -> accounts.closeSession(command.getCloseSession());
            case SET_NICKNAME -> accounts.setNickname(command.getSetNickname());
            case JOIN_ROOM -> rooms.join(command.getJoinRoom());
            case LEAVE_ROOM -> rooms.leave(command.getLeaveRoom());
            case DELETE_ROOM -> rooms.delete(index, timestampMs, command.getDeleteRoom());
            case MARK_READ -> rooms.markRead(command.getMarkRead());
            case EDIT_MESSAGE -> messages.edit(index, timestampMs, command.getEditMessage());
            case DELETE_MESSAGE -> messages.delete(index, timestampMs, command.getDeleteMessage());
            case HEARTBEAT -> presence.heartbeat(timestampMs, command.getHeartbeat());
            case PRESENCE_TICK -> presence.tick(timestampMs, command.getPresenceTick());
            case ADD_FRIEND -> presence.addFriend(command.getAddFriend());
            case REMOVE_FRIEND -> presence.removeFriend(command.getRemoveFriend());
            case START_CONSUMING -> queues.start(command.getStartConsuming());
            case STOP_CONSUMING -> queues.stop(command.getStopConsuming());
            case ACK_QUEUE_MESSAGE -> queues.ack(command.getAckQueueMessage());
            case RECORD_LOGIN_FAILURE -> loginFailures.record(timestampMs, command.getRecordLoginFailure());
            case CLEAR_LOGIN_FAILURES -> loginFailures.clear(command.getClearLoginFailures());
            case EXPIRE_SESSIONS -> sessions.expire(timestampMs);
            case REVOKE_SESSION -> sessions.revoke(command.getRevokeSession());
            case CLOSE_USER_SESSIONS -> sessions.closeUserSessions(command.getCloseUserSessions());
            case CHANGE_PASSWORD -> sessions.changePassword(command.getChangePassword());
            case SET_ROOM_TOPIC -> moderation.setTopic(command.getSetRoomTopic());
            case SET_ROOM_INVITE_ONLY -> moderation.setInviteOnly(command.getSetRoomInviteOnly());
            case INVITE_TO_ROOM -> moderation.invite(command.getInviteToRoom());
            case KICK_FROM_ROOM -> moderation.kick(command.getKickFromRoom());
            case BAN_FROM_ROOM -> moderation.ban(command.getBanFromRoom());
            case UNBAN_FROM_ROOM -> moderation.unban(command.getUnbanFromRoom());
            case SET_AWAY -> moderation.setAway(command.getSetAway());
            case NACK_QUEUE_MESSAGE -> queues.nack(command.getNackQueueMessage());
            case EXPIRE_QUEUE_DELIVERIES -> queues.expire();
            case BODY_NOT_SET, BATCH -> throw new IllegalStateException("applyEntry lets no empty body or nested batch through");
        };
    }

    private ApplyResult postRoomMessage(long index, long timestampMs, PostRoomMessage body) {
        ApplyResult.Rejected refused = rooms.checkPoster(body.getRoom(), body.getAuthor());
        if (refused != null) {
            return refused;
        }
        ApplyResult.MessageStored stored = appendMessage(Conversations.room(body.getRoom()), body.getAuthor(), body.getText(),
                index, timestampMs);
        queues.enqueue(body.getRoom(), stored.message().getSeq());
        rooms.authorHasRead(stored.message().getConversation(), body.getAuthor(), stored.message().getSeq());
        return stored;
    }

    private ApplyResult sendDirectMessage(long index, long timestampMs, SendDirectMessage body) {
        for (String user : List.of(body.getSender(), body.getRecipient())) {
            if (!accounts.exists(user)) {
                return AccountCommands.userNotFound(user);
            }
        }
        ConversationRef pair = Conversations.direct(body.getSender(), body.getRecipient());
        rooms.noteDirect(pair);
        ApplyResult.MessageStored stored = appendMessage(pair, body.getSender(), body.getText(), index, timestampMs);
        rooms.authorHasRead(stored.message().getConversation(), body.getSender(), stored.message().getSeq());
        return stored;
    }

    @Override
    public ApplyResult.MessageStored appendMessage(ConversationRef conversation, String author, String text, long index, long timestampMs) {
        return appendMessage(ChatMessage.newBuilder().setConversation(conversation).setAuthor(author).setText(text), index, timestampMs);
    }

    @Override
    public ApplyResult.MessageStored appendMessage(ChatMessage.Builder draft, long index, long timestampMs) {
        ConversationRef conversation = draft.getConversation();
        byte[] conversationKey = Keys.conversation(conversation);
        byte[] counterKey = Keys.counter(conversationKey);
        byte[] lastSeq = get(counterKey);
        long seq = (lastSeq == null ? 0 : Keys.readLong(lastSeq)) + 1;
        ChatMessage message = draft
                .setSeq(seq)
                .setTimestampMs(timestampMs)
                .setLogIndex(index)
                .build();
        put(Keys.message(conversationKey, seq), message.toByteArray());
        put(counterKey, Keys.longBytes(seq));
        return new ApplyResult.MessageStored(message);
    }

    @Override
    public void textErased(byte[] from, byte[] to) {
        erasedRanges.add(new KeyRange(from, to));
    }

    /** Key ranges whose old versions held text that this batch deleted (see {@link ApplyStore#textErased}). */
    List<KeyRange> erasedRanges() {
        return erasedRanges;
    }

    @Override
    public void delete(byte[] key) {
        try {
            batch.delete(key);
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB batch delete failed during apply", e);
        }
    }

    @Override
    public List<byte[]> keysWithPrefix(byte[] prefix) {
        return keysWithPrefix(prefix, Integer.MAX_VALUE);
    }

    @Override
    public List<byte[]> keysWithPrefix(byte[] prefix, int limit) {
        return keys(prefix, key -> Keys.startsWith(key, prefix), limit);
    }

    @Override
    public List<byte[]> keysInRange(byte[] from, byte[] to, int max) {
        return keys(from, key -> java.util.Arrays.compareUnsigned(key, to) < 0, max);
    }

    private List<byte[]> keys(byte[] from, java.util.function.Predicate<byte[]> within, int max) {
        List<byte[]> keys = new ArrayList<>();
        try (RocksIterator base = db.newIterator(readOptions);
                RocksIterator it = batch.newIteratorWithBase(base)) {
            for (it.seek(from); it.isValid() && keys.size() < max; it.next()) {
                byte[] key = it.key();
                if (!within.test(key)) {
                    break;
                }
                keys.add(key);
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB iteration failed during apply", e);
        }
        return keys;
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return batch.getFromBatchAndDB(db, readOptions, key);
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB read failed during apply", e);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        try {
            batch.put(key, value);
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB batch put failed during apply", e);
        }
    }
}
