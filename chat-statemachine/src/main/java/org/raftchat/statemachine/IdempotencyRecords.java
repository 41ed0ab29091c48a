package org.raftchat.statemachine;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.RememberedMessage;
import org.raftchat.proto.v1.StoredIdempotency;

/**
 * The idempotency records of one apply batch. A record belongs to (scope, key), the user a key
 * belongs to and the key, and remembers the kind and fingerprint of the request that used it and a
 * compact result: a retry of the same request gets that result, any other request with the key is
 * refused, and another user's key is another record. Only successes are remembered; a refusal
 * changed nothing, so a retry may run again.
 *
 * <p>Records expire at the command's time plus its stamped window and are pruned through an index
 * ordered by expiry, at most once per {@link #PRUNE_STEP_MS} of leader time, by the first keyed
 * command that finds the step passed: per command that is one in-memory comparison, and one
 * bounded range read per step instead of a scan per entry. A record is thus honoured for at least
 * its window. Everything depends only on the stored state and the stamped times: deterministic.
 *
 * <p>Cost on the hot path (a keyed post): one get, and on success one put of a small record (no
 * message text) and one of its empty index entry.
 */
final class IdempotencyRecords {

    /** Leader time between two prunes: one range read per second at most, whatever the write rate. */
    static final long PRUNE_STEP_MS = 1_000;
    /** Records deleted by one prune at most, so one command never turns into an unbounded delete. */
    static final int MAX_PRUNED_PER_STEP = 4_096;

    private final BatchStore store;
    /** Read from the state on first use in the batch, then kept in step with what this batch writes. */
    private long prunedMs = -1;

    IdempotencyRecords(BatchStore store) {
        this.store = store;
    }

    /**
     * The answer to a keyed command before it is applied: its remembered result (a retry of the
     * same request), a refusal (the key was used for another request), or none (a new key: apply it).
     */
    Optional<ApplyResult> lookup(Command command, long timestampMs) {
        pruneIfDue(timestampMs);
        byte[] stored = store.get(Keys.idempotency(command.getIdempotencyScope(), command.getIdempotencyKey()));
        if (stored == null) {
            return Optional.empty();
        }
        StoredIdempotency record = StoredValues.decodeIdempotency(stored);
        if (record.getBodyCase() != command.getBodyCase().getNumber()
                || !record.getRequestFingerprint().equals(command.getRequestFingerprint())) {
            return Optional.of(keyReused(command, record));
        }
        return Optional.of(result(record));
    }

    /** Remembers the successful result of a keyed command until its time plus its stamped window (see {@link RememberedResults}). */
    void remember(Command command, long timestampMs, ApplyResult result) {
        long windowMs = command.getIdempotencyWindowMs();
        long expiresAtMs = windowMs > 0 ? timestampMs + windowMs : 0;
        byte[] key = Keys.idempotency(command.getIdempotencyScope(), command.getIdempotencyKey());
        StoredIdempotency.Builder record = StoredIdempotency.newBuilder()
                .setBodyCase(command.getBodyCase().getNumber())
                .setRequestFingerprint(command.getRequestFingerprint())
                .setExpiresAtMs(expiresAtMs);
        RememberedResults.remember(record, result).ifPresent(remembered -> {
            store.put(key, remembered.build().toByteArray());
            if (expiresAtMs > 0) {
                store.put(Keys.idempotencyExpiry(expiresAtMs, key), new byte[0]);
            }
        });
    }

    private void pruneIfDue(long nowMs) {
        if (prunedMs < 0) {
            byte[] stored = store.get(Keys.IDEMPOTENCY_PRUNED_MS);
            prunedMs = stored == null ? 0 : Keys.readLong(stored);
        }
        if (nowMs - prunedMs < PRUNE_STEP_MS) {
            return;
        }
        byte[] from = {Keys.IDEMPOTENCY_EXPIRY};
        // Every record that expired at or before now: the index sorts by expiry.
        byte[] to = Keys.idempotencyExpiryBefore(nowMs + 1);
        List<byte[]> expired = store.keysInRange(from, to, MAX_PRUNED_PER_STEP);
        for (byte[] entry : expired) {
            store.delete(Keys.recordOfExpiry(entry));
            store.delete(entry);
        }
        if (expired.size() < MAX_PRUNED_PER_STEP) {
            // Otherwise the next keyed command goes on pruning where this one stopped.
            prunedMs = nowMs;
            store.put(Keys.IDEMPOTENCY_PRUNED_MS, Keys.longBytes(nowMs));
        }
    }

    private ApplyResult result(StoredIdempotency record) {
        return switch (record.getResultCase()) {
            case ROOM_CREATED -> new ApplyResult.RoomCreated(record.getRoomCreated().getRoom(), record.getRoomCreated().getLogIndex());
            case MESSAGE_STORED -> new ApplyResult.MessageStored(storedMessage(record.getMessageStored()));
            case OTHER -> RememberedResults.decode(record.getOther());
            case RESULT_NOT_SET -> throw new StateMachineException("stored idempotency record has no result");
        };
    }

    /**
     * The remembered message as it is now (edited, or a tombstone). When it is gone with its room, or
     * its seq now holds a message of a room created again under that name, only where it was.
     */
    private ChatMessage storedMessage(RememberedMessage where) {
        byte[] value = store.get(Keys.message(Keys.conversation(where.getConversation()), where.getSeq()));
        ChatMessage message = value == null ? null : StoredValues.parseMessage(value);
        if (message != null && message.getLogIndex() == where.getLogIndex()) {
            return message;
        }
        return ChatMessage.newBuilder().setConversation(where.getConversation()).setSeq(where.getSeq())
                .setLogIndex(where.getLogIndex()).setDeleted(true).build();
    }

    private static ApplyResult.Rejected keyReused(Command command, StoredIdempotency record) {
        Command.BodyCase usedFor = Command.BodyCase.forNumber(record.getBodyCase());
        String kind = usedFor == null ? "another command" : usedFor.name().toLowerCase(Locale.ROOT);
        String owner = command.getIdempotencyScope().isEmpty() ? "" : " by " + command.getIdempotencyScope();
        return new ApplyResult.Rejected(Rejection.IDEMPOTENCY_KEY_REUSED, "idempotency key '" + command.getIdempotencyKey()
                + "' was already used" + owner + " for another request (" + kind + "); use a new key for each new request");
    }
}
