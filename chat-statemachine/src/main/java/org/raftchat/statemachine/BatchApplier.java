package org.raftchat.statemachine;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.CommandBatch;

/**
 * Applies one batch of entries through a {@link BatchStore}: decodes each entry, checks its index,
 * answers a retried keyed command from its idempotency record, and hands every other command to its
 * family's class. Every entry sees the effects of the entries before it in the same batch (rooms, seq
 * counters, idempotency keys). Writes nothing to the database itself: the caller commits the batch,
 * or drops it when an exception escapes ({@link CorruptLogException},
 * {@link StateMachineException}, {@link ApplyFailedException}).
 *
 * <p>Deterministic: the outcome depends only on the stored state and the entries. Single use, one thread.
 */
final class BatchApplier {

    private long appliedIndex;
    private long lastTimestampMs;
    private long previousIndex = 0;
    private final TextErasure erasure;
    private final QueueCommands queues;
    private final RoomCommands rooms;
    private final ReadPositions readPositions;
    private final SessionCommands sessions;
    private final AccountCommands accounts;
    private final MessageCommands messages;
    private final PresenceCommands presence;
    private final IdempotencyRecords idempotency;
    private final LoginFailureCommands loginFailures;
    private final ModerationCommands moderation;

    BatchApplier(BatchStore store, long appliedIndex, long lastTimestampMs) {
        this.appliedIndex = appliedIndex;
        this.lastTimestampMs = lastTimestampMs;
        StateView view = new StateView(store);
        MessageLog log = new MessageLog(store);
        erasure = new TextErasure(store);
        queues = new QueueCommands(store, view, erasure, log);
        rooms = new RoomCommands(store, view, log, queues, erasure);
        readPositions = new ReadPositions(store, view);
        sessions = new SessionCommands(store, queues);
        accounts = new AccountCommands(store, rooms, sessions);
        messages = new MessageCommands(store, view, log, readPositions, queues, erasure);
        presence = new PresenceCommands(store, view, queues);
        idempotency = new IdempotencyRecords(store);
        loginFailures = new LoginFailureCommands(store);
        moderation = new ModerationCommands(store, view, rooms, queues);
    }

    /** The applied index after the entries given so far. */
    long appliedIndex() {
        return appliedIndex;
    }

    /** Queue rooms whose consumers or assignments changed, and messages stored in dead-letter rooms, so far. */
    QueueCommands queueEffects() {
        return queues;
    }

    /** Key ranges whose old versions held text that this batch deleted (purged before the next checkpoint). */
    List<KeyRange> erasedRanges() {
        return erasure.erasedRanges();
    }

    /** The highest stored timestamp after the entries given so far. */
    long lastTimestampMs() {
        return lastTimestampMs;
    }

    /** The time a command is applied at: its leader's clock, but never before a time already stored (leader clocks differ). */
    static long commandTimeMs(long leaderTimeMs, long lastTimestampMs) {
        return Math.max(leaderTimeMs, lastTimestampMs);
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
        long timestampMs = commandTimeMs(command.getLeaderTimeMs(), lastTimestampMs);
        if (keyed) {
            Optional<ApplyResult> remembered = idempotency.lookup(command, timestampMs);
            if (remembered.isPresent()) {
                return remembered.get();
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
            case POST_ROOM_MESSAGE -> messages.post(index, timestampMs, command.getPostRoomMessage());
            case SEND_DIRECT_MESSAGE -> messages.sendDirect(index, timestampMs, command.getSendDirectMessage());
            case REGISTER_USER -> accounts.register(index, timestampMs, command.getRegisterUser());
            case OPEN_SESSION -> accounts.openSession(timestampMs, command.getOpenSession());
            case CLOSE_SESSION -> accounts.closeSession(command.getCloseSession());
            case SET_NICKNAME -> accounts.setNickname(command.getSetNickname());
            case JOIN_ROOM -> rooms.join(command.getJoinRoom());
            case LEAVE_ROOM -> rooms.leave(command.getLeaveRoom());
            case DELETE_ROOM -> rooms.delete(index, timestampMs, command.getDeleteRoom());
            case MARK_READ -> readPositions.markRead(command.getMarkRead());
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
}
