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
 * 'I' str(scope) utf8(key)        -> StoredIdempotency protobuf   (a user's idempotency key)
 * 'J' expires_ms(8) str(scope) utf8(key) -> empty                 (idempotency records by expiry)
 * 'U' utf8(username)              -> StoredUser protobuf
 * 'N' utf8(nickname)              -> utf8(username)               (nicknames are unique)
 * 'S' token_sha256                -> StoredSession protobuf
 * 'V' str(user) utf8(device)      -> token_sha256                 (the device's live session)
 * 'P' str(room) utf8(user)        -> empty                        (room members)
 * 'Q' str(user) utf8(room)        -> empty                        (a user's rooms)
 * 'K' utf8(room)                  -> 8-byte member count
 * 'X' str(user) conv              -> empty                        (a user's private conversations)
 * 'W' str(user) conv              -> 8-byte read seq              (read positions)
 * 'G' str(user) utf8(friend)      -> empty                        (a user's friends)
 * 'O' utf8(room)                  -> StoredQueue protobuf          (a work-queue room's consumers)
 * 'A' str(room) seq(8)            -> StoredAssignment protobuf     (a queue message not acked yet)
 * 'B' bytes(token_sha256) utf8(room) -> empty                      (the queues a session consumes)
 * 'y' deadline_ms(8) str(room) seq(8) -> empty                     (queue deliveries by ack deadline)
 * 'z' bytes(token_sha256) str(room) delivery_id(8) -> seq(8)       (what a consumer holds, by delivery)
 * 'L' 'u' str(user) utf8(address)  -> StoredLoginFailures protobuf  (failed logins of a user from an address)
 * 'L' 'a' utf8(address)            -> StoredLoginFailures protobuf  (failed logins from an address)
 * 'l' time(8) login key           -> empty                             (login failure records by last failure, for pruning)
 * 'b' str(room) utf8(user)        -> empty                        (users banned from a room)
 * 'i' str(room) utf8(user)        -> empty                        (users invited to a room)
 * 'E' conv seq(8) event_seq(8)    -> empty                        (the EDIT events of message seq)
 * 'D' str(queue_room) seq(8)      -> 8-byte seq in ROOM.dlq       (a queue message's dead-letter copy)
 *
 * bytes(x) = len(4) x
 * conv = 'r' len(4) utf8(room)
 *      | 'd' len(4) utf8(user_a) len(4) utf8(user_b)     (canonical: user_a <= user_b)
 * </pre>
 *
 * <p>{@code conv} is length-prefixed, hence prefix-free: no conversation's encoding is a prefix of
 * another's, so one conversation's messages are contiguous and, with big-endian non-negative seqs,
 * sorted by seq. The 'R' key holds a single string, so the rest of the key is it. 'J' keys sort by
 * expiry (big-endian, non-negative), so pruning reads only the expired ones.
 */
final class Keys {

    static final byte META = 'M';
    static final byte ROOM = 'R';
    static final byte COUNTER = 'C';
    static final byte MESSAGE = 'H';
    static final byte IDEMPOTENCY = 'I';
    static final byte IDEMPOTENCY_EXPIRY = 'J';
    static final byte USER = 'U';
    static final byte NICKNAME = 'N';
    static final byte SESSION = 'S';
    static final byte DEVICE = 'V';
    static final byte MEMBER = 'P';
    static final byte USER_ROOM = 'Q';
    static final byte MEMBER_COUNT = 'K';
    static final byte USER_DIRECT = 'X';
    static final byte READ_POSITION = 'W';
    static final byte FRIEND = 'G';
    static final byte QUEUE = 'O';
    static final byte ASSIGNMENT = 'A';
    static final byte SESSION_QUEUE = 'B';
    static final byte QUEUE_DEADLINE = 'y';
    static final byte HELD = 'z';
    static final byte LOGIN_FAILURES = 'L';
    static final byte LOGIN_FAILURES_BY_TIME = 'l';
    static final byte BAN = 'b';
    static final byte INVITATION = 'i';
    static final byte EDIT_EVENT = 'E';
    static final byte DEAD_LETTER_COPY = 'D';

    static final byte[] APPLIED_INDEX = tagged(META, "applied_index");
    static final byte[] LAST_TIMESTAMP_MS = tagged(META, "last_timestamp_ms");
    /** Leader time up to which expired idempotency records were pruned. */
    static final byte[] IDEMPOTENCY_PRUNED_MS = tagged(META, "idempotency_pruned_ms");
    static final byte[] LOGIN_FAILURE_RECORDS = tagged(META, "login_failure_records");

    private static final byte CONV_ROOM = 'r';
    private static final byte CONV_DIRECT = 'd';

    private Keys() {}

    static byte[] room(String name) {
        return tagged(ROOM, name);
    }

    static byte[] user(String name) {
        return tagged(USER, name);
    }

    static byte[] nickname(String nickname) {
        return tagged(NICKNAME, nickname);
    }

    static byte[] session(byte[] tokenSha256) {
        return concat(new byte[] {SESSION}, tokenSha256);
    }

    static byte[] device(String user, String device) {
        return concat(devicePrefix(user), device.getBytes(StandardCharsets.UTF_8));
    }

    /** Every member key of a room starts with this; the rest of the key is the user name. */
    static byte[] memberPrefix(String room) {
        return stringPrefix(MEMBER, room);
    }

    static byte[] member(String room, String user) {
        return concat(memberPrefix(room), user.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] userRoomPrefix(String user) {
        return stringPrefix(USER_ROOM, user);
    }

    static byte[] userRoom(String user, String room) {
        return concat(userRoomPrefix(user), room.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] memberCount(String room) {
        return tagged(MEMBER_COUNT, room);
    }

    static byte[] userDirectPrefix(String user) {
        return stringPrefix(USER_DIRECT, user);
    }

    static byte[] userDirect(String user, byte[] conversation) {
        return concat(userDirectPrefix(user), conversation);
    }

    static byte[] readPosition(String user, byte[] conversation) {
        return concat(stringPrefix(READ_POSITION, user), conversation);
    }

    static byte[] friendPrefix(String user) {
        return stringPrefix(FRIEND, user);
    }

    static byte[] friend(String user, String friend) {
        return concat(friendPrefix(user), friend.getBytes(StandardCharsets.UTF_8));
    }

    /** Every ban key of a room starts with this; the rest of the key is the user name. */
    static byte[] banPrefix(String room) {
        return stringPrefix(BAN, room);
    }

    static byte[] ban(String room, String user) {
        return concat(banPrefix(room), utf8(user));
    }

    /** Every invitation key of a room starts with this; the rest of the key is the user name. */
    static byte[] invitationPrefix(String room) {
        return stringPrefix(INVITATION, room);
    }

    static byte[] invitation(String room, String user) {
        return concat(invitationPrefix(room), utf8(user));
    }

    static byte[] queue(String room) {
        return tagged(QUEUE, room);
    }

    /** Every unacknowledged message of a queue room has a key starting with this, sorted by seq. */
    static byte[] assignmentPrefix(String room) {
        return stringPrefix(ASSIGNMENT, room);
    }

    static byte[] assignment(String room, long seq) {
        return concat(assignmentPrefix(room), longBytes(seq));
    }

    /** Every queue a session consumes has a key starting with this; the rest is the room name. */
    static byte[] sessionQueuePrefix(byte[] tokenSha256) {
        return concat(concat(new byte[] {SESSION_QUEUE}, ByteBuffer.allocate(Integer.BYTES).putInt(tokenSha256.length).array()),
                tokenSha256);
    }

    static byte[] sessionQueue(byte[] tokenSha256, String room) {
        return concat(sessionQueuePrefix(tokenSha256), room.getBytes(StandardCharsets.UTF_8));
    }

    /** Every queue delivery with an ack deadline has a key starting with this, sorted by deadline (non-negative). */
    static byte[] queueDeadlinePrefix() {
        return new byte[] {QUEUE_DEADLINE};
    }

    static byte[] queueDeadline(long deadlineMs, String room, long seq) {
        return concat(concat(new byte[] {QUEUE_DEADLINE}, longBytes(deadlineMs)), concat(lengthPrefixed(room), longBytes(seq)));
    }

    /** The deadline of a {@link #queueDeadline} key. */
    static long deadlineOf(byte[] deadlineKey) {
        return ByteBuffer.wrap(deadlineKey, 1, Long.BYTES).getLong();
    }

    /** The room of a {@link #queueDeadline} key. */
    static String deadlineRoom(byte[] deadlineKey) {
        int offset = 1 + Long.BYTES;
        int length = ByteBuffer.wrap(deadlineKey, offset, Integer.BYTES).getInt();
        return new String(deadlineKey, offset + Integer.BYTES, length, StandardCharsets.UTF_8);
    }

    /** What a consumer holds of one queue, sorted by delivery id. */
    static byte[] heldPrefix(byte[] tokenSha256, String room) {
        return concat(concat(new byte[] {HELD}, lengthPrefixed(tokenSha256)), lengthPrefixed(room));
    }

    static byte[] held(byte[] tokenSha256, String room, long deliveryId) {
        return concat(heldPrefix(tokenSha256, room), longBytes(deliveryId));
    }

    /** The first key after every key that starts with {@code prefix} (a prefix of one or more 0xFF bytes has none: not used). */
    static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        throw new IllegalArgumentException("no key follows every key with an all-0xFF prefix");
    }

    /** The first key after {@code key} in byte order. */
    static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    private static byte[] lengthPrefixed(String value) {
        return lengthPrefixed(value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] lengthPrefixed(byte[] value) {
        return concat(ByteBuffer.allocate(Integer.BYTES).putInt(value.length).array(), value);
    }

    static byte[] userLoginFailures(String user, String address) {
        return concat(concat(new byte[] {LOGIN_FAILURES}, stringPrefix((byte) 'u', user)), utf8(address));
    }

    static byte[] addressLoginFailures(String address) {
        return tagged(LOGIN_FAILURES, 'a' + address);
    }

    /** Sorted by the record's last failure time (non-negative, big-endian), then by its key. */
    static byte[] loginFailuresByTime(long lastFailureMs, byte[] recordKey) {
        return concat(concat(new byte[] {LOGIN_FAILURES_BY_TIME}, longBytes(lastFailureMs)), recordKey);
    }

    /** The record key that {@link #loginFailuresByTime} indexes. */
    static byte[] loginRecordOf(byte[] byTimeKey) {
        return Arrays.copyOfRange(byTimeKey, 1 + Long.BYTES, byTimeKey.length);
    }

    static long loginFailureTimeOf(byte[] byTimeKey) {
        return ByteBuffer.wrap(byTimeKey, 1, Long.BYTES).getLong();
    }

    /** Every device key of a user starts with this; the rest is the device id. */
    static byte[] devicePrefix(String user) {
        return stringPrefix(DEVICE, user);
    }

    /** The UTF-8 string that follows {@code prefix} in {@code key}. */
    static String suffix(byte[] key, byte[] prefix) {
        return new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8);
    }

    /** Decodes a conversation encoded by {@link #conversation}, starting at {@code offset}. */
    static ConversationRef decodeConversation(byte[] key, int offset) {
        ByteBuffer buffer = ByteBuffer.wrap(key, offset, key.length - offset);
        byte kind = buffer.get();
        if (kind == CONV_ROOM) {
            return CanonicalConversations.room(readString(buffer));
        }
        if (kind == CONV_DIRECT) {
            String a = readString(buffer);
            return CanonicalConversations.direct(a, readString(buffer));
        }
        throw new StateMachineException("stored conversation has unknown kind " + kind);
    }

    /** The record of {@code scope}'s key: the same key of two users is two records. */
    static byte[] idempotency(String scope, String key) {
        return concat(stringPrefix(IDEMPOTENCY, scope), key.getBytes(StandardCharsets.UTF_8));
    }

    /** The expiry index entry of a record: its record key (after the tag) follows the expiry. */
    static byte[] idempotencyExpiry(long expiresAtMs, byte[] recordKey) {
        return concat(concat(new byte[] {IDEMPOTENCY_EXPIRY}, longBytes(expiresAtMs)),
                Arrays.copyOfRange(recordKey, 1, recordKey.length));
    }

    /** Every expiry index entry of a record that expires before {@code expiresAtMs} sorts before this. */
    static byte[] idempotencyExpiryBefore(long expiresAtMs) {
        return concat(new byte[] {IDEMPOTENCY_EXPIRY}, longBytes(expiresAtMs));
    }

    /** The record key an expiry index entry points to. */
    static byte[] recordOfExpiry(byte[] expiryKey) {
        byte[] record = Arrays.copyOfRange(expiryKey, Long.BYTES, expiryKey.length);
        record[0] = IDEMPOTENCY;
        return record;
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

    /** Every edit-event key of one conversation starts with this. */
    static byte[] editEventsPrefix(byte[] conversation) {
        return concat(new byte[] {EDIT_EVENT}, conversation);
    }

    /** Every edit-event key of message {@code seq} starts with this; the event's seq follows. */
    static byte[] editEventsOf(byte[] conversation, long seq) {
        return concat(editEventsPrefix(conversation), longBytes(seq));
    }

    static byte[] editEvent(byte[] conversation, long seq, long eventSeq) {
        return concat(editEventsOf(conversation, seq), longBytes(eventSeq));
    }

    /** Every dead-letter-copy key of a queue room starts with this; the queue seq follows. */
    static byte[] deadLetterCopiesPrefix(String queueRoom) {
        return stringPrefix(DEAD_LETTER_COPY, queueRoom);
    }

    static byte[] deadLetterCopy(String queueRoom, long seq) {
        return concat(deadLetterCopiesPrefix(queueRoom), longBytes(seq));
    }

    /** The seq at the end of a message, edit-event or dead-letter-copy key. */
    static long seqOf(byte[] messageKey) {
        return ByteBuffer.wrap(messageKey, messageKey.length - Long.BYTES, Long.BYTES).getLong();
    }

    /** Encodes a canonical conversation (see {@link CanonicalConversations#canonical}). */
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

    static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    static String fromUtf8(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
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

    private static String readString(ByteBuffer buffer) {
        int length = buffer.getInt();
        byte[] utf8 = new byte[length];
        buffer.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** tag, then the string length-prefixed, so no string's prefix is another's. */
    private static byte[] stringPrefix(byte tag, String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        writeString(out, value);
        return out.toByteArray();
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
