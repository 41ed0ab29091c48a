package org.raftchat.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.raftchat.proto.v1.Command;

/**
 * Stamps a write's idempotency key, on the leader, with what apply needs to keep keys apart: whose
 * key it is (the scope: the caller, or the username a registration names), a fingerprint of the
 * client's request, and how long the record holds (the configured window), so apply reads no config.
 *
 * <p>The fingerprint is a SHA-256 over the command kind and the request's validated fields, each
 * length-prefixed; it is taken from the request, not from the Command, whose password hash (for
 * one) is salted anew on each retry. Calls that act on the caller's session (consume, ack, logout)
 * add the session's token digest: the same call from another session is another request. Every leader computes the same fingerprint for the same
 * request, so a retry sent to a new leader still matches. Thread-safe.
 */
final class IdempotencyStamp {

    private final long windowMs;

    IdempotencyStamp(long windowMs) {
        if (windowMs <= 0) {
            throw new IllegalArgumentException("idempotency window must be > 0 ms, got " + windowMs);
        }
        this.windowMs = windowMs;
    }

    /**
     * The command, its body already set, keyed as {@code scope}'s {@code key} for the request made of
     * {@code requestFields} (strings, numbers, booleans, protobuf messages or byte arrays).
     */
    Command.Builder keyed(Command.Builder command, String scope, String key, Object... requestFields) {
        return command.setIdempotencyKey(key)
                .setIdempotencyScope(scope)
                .setRequestFingerprint(fingerprint(command.getBodyCase(), requestFields))
                .setIdempotencyWindowMs(windowMs);
    }

    static ByteString fingerprint(Command.BodyCase kind, Object... requestFields) {
        MessageDigest digest = Sha256.newDigest();
        update(digest, kind.name().getBytes(StandardCharsets.UTF_8));
        for (Object field : requestFields) {
            update(digest, bytes(field));
        }
        return ByteString.copyFrom(digest.digest());
    }

    private static byte[] bytes(Object field) {
        if (field instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (field instanceof MessageLite message) {
            return message.toByteArray();
        }
        if (field instanceof byte[] raw) {
            return raw;
        }
        if (field instanceof Long || field instanceof Integer || field instanceof Boolean) {
            return field.toString().getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("not a request field type: " + field.getClass().getName());
    }

    /** Length-prefixed, so no two different field lists hash the same bytes. */
    private static void update(MessageDigest digest, byte[] bytes) {
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }
}
