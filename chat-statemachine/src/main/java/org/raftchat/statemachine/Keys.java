package org.raftchat.statemachine;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.raftchat.proto.v1.ConversationRef;

/**
 * The key layout of the single default column family. Every key starts with a one-byte family tag:
 *
 * <pre>
 * 'M' name                        -> 8-byte big-endian long      (applied_index, last_timestamp_ms)
 * 'R' utf8(room)                  -> room value (see StoredValues)
 * 'C' conv                        -> 8-byte big-endian last seq  (per-conversation counter)
 * 'H' conv seq(8, big-endian)     -> ChatMessage protobuf
 * 'I' utf8(idempotency key)       -> stored ApplyResult (see StoredValues)
 *
 * conv = 'r' len(4) utf8(room)
 *      | 'd' len(4) utf8(user_a) len(4) utf8(user_b)     (canonical: user_a <= user_b)
 * </pre>
 *
 * <p>{@code conv} is length-prefixed, hence prefix-free: no conversation's encoding is a prefix of
 * another's, so one conversation's messages are contiguous and, with big-endian non-negative seqs,
 * sorted by seq. The 'R' and 'I' keys hold a single string each, so the rest of the key is it.
 */
final class Keys {

    static final byte META = 'M';
    static final byte ROOM = 'R';
    static final byte COUNTER = 'C';
    static final byte MESSAGE = 'H';
    static final byte IDEMPOTENCY = 'I';

    static final byte[] APPLIED_INDEX = tagged(META, "applied_index");
    static final byte[] LAST_TIMESTAMP_MS = tagged(META, "last_timestamp_ms");

    private static final byte CONV_ROOM = 'r';
    private static final byte CONV_DIRECT = 'd';

    private Keys() {}

    static byte[] room(String name) {
        return tagged(ROOM, name);
    }

    static byte[] idempotency(String key) {
        return tagged(IDEMPOTENCY, key);
    }

    static byte[] counter(byte[] conversation) {
        return concat(new byte[] {COUNTER}, conversation);
    }

    /** All message keys of one conversation start with this. */
    static byte[] messagePrefix(byte[] conversation) {
        return concat(new byte[] {MESSAGE}, conversation);
    }

    static byte[] message(byte[] conversation, long seq) {
        return concat(messagePrefix(conversation), longBytes(seq));
    }

    static long seqOf(byte[] messageKey) {
        return ByteBuffer.wrap(messageKey, messageKey.length - Long.BYTES, Long.BYTES).getLong();
    }

    /** Encodes a canonical conversation (see {@link Conversations#canonical}). */
    static byte[] conversation(ConversationRef canonical) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (canonical.getKindCase()) {
            case ROOM -> {
                out.write(CONV_ROOM);
                writeString(out, canonical.getRoom());
            }
            case DIRECT -> {
                out.write(CONV_DIRECT);
                writeString(out, canonical.getDirect().getUserA());
                writeString(out, canonical.getDirect().getUserB());
            }
            case KIND_NOT_SET -> throw new IllegalArgumentException("conversation has no kind");
        }
        return out.toByteArray();
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    static long readLong(byte[] value) {
        if (value.length != Long.BYTES) {
            throw new StateMachineException("stored long has " + value.length + " bytes, expected 8");
        }
        return ByteBuffer.wrap(value).getLong();
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length
                && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(utf8.length).array());
        out.writeBytes(utf8);
    }

    private static byte[] tagged(byte tag, String value) {
        return concat(new byte[] {tag}, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
