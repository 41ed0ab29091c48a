package org.raftchat.statemachine;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.RememberedResult;
import org.raftchat.proto.v1.StoredAssignment;
import org.raftchat.proto.v1.StoredQueue;
import org.raftchat.proto.v1.StoredRoom;
import org.raftchat.proto.v1.StoredSession;
import org.raftchat.proto.v1.StoredUser;

/**
 * Fixed layouts of stored values other than plain longs.
 *
 * <pre>
 * room:               StoredRoom protobuf
 * user, session:      StoredUser, StoredSession protobuf
 * idempotent result:  1 log_index(8) utf8(room)          RoomCreated
 *                   | 2 ChatMessage protobuf              MessageStored
 *                   | 3 RememberedResult protobuf        every other success
 * </pre>
 */
final class StoredValues {

    private static final byte ROOM_CREATED = 1;
    private static final byte MESSAGE_STORED = 2;
    private static final byte OTHER = 3;

    private StoredValues() {}

    static byte[] encodeRoom(String owner, String description, long createdAtMs, long createdLogIndex, boolean queue) {
        return StoredRoom.newBuilder()
                .setQueue(queue)
                .setOwner(owner)
                .setDescription(description)
                .setCreatedAtMs(createdAtMs)
                .setCreatedLogIndex(createdLogIndex)
                .build()
                .toByteArray();
    }

    static RoomInfo decodeRoom(String name, byte[] value, int memberCount) {
        StoredRoom room = parse(() -> StoredRoom.parseFrom(value), "room '" + name + "'");
        return new RoomInfo(name, room.getOwner(), room.getDescription(), room.getCreatedAtMs(),
                room.getCreatedLogIndex(), memberCount, room.getQueue());
    }

    static StoredUser decodeUser(String name, byte[] value) {
        return parse(() -> StoredUser.parseFrom(value), "user '" + name + "'");
    }

    static StoredQueue decodeQueue(String room, byte[] value) {
        return parse(() -> StoredQueue.parseFrom(value), "queue of room '" + room + "'");
    }

    static StoredAssignment decodeAssignment(byte[] value) {
        return parse(() -> StoredAssignment.parseFrom(value), "queue assignment");
    }

    static org.raftchat.proto.v1.StoredLoginFailures decodeLoginFailures(byte[] value) {
        return parse(() -> org.raftchat.proto.v1.StoredLoginFailures.parseFrom(value), "login failures");
    }

    static StoredSession decodeSession(byte[] value) {
        return parse(() -> StoredSession.parseFrom(value), "session");
    }

    private interface Parser<T> {
        T parse() throws InvalidProtocolBufferException;
    }

    private static <T> T parse(Parser<T> parser, String what) {
        try {
            return parser.parse();
        } catch (InvalidProtocolBufferException e) {
            throw new StateMachineException("stored " + what + " cannot be decoded", e);
        }
    }

    /** Only successful results are remembered; a refusal changed nothing, so a retry may run again. */
    static byte[] encodeResult(ApplyResult result) {
        if (result instanceof ApplyResult.RoomCreated created) {
            byte[] room = created.room().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + Long.BYTES + room.length)
                    .put(ROOM_CREATED)
                    .putLong(created.logIndex())
                    .put(room)
                    .array();
        }
        if (result instanceof ApplyResult.MessageStored stored) {
            byte[] message = stored.message().toByteArray();
            return ByteBuffer.allocate(1 + message.length).put(MESSAGE_STORED).put(message).array();
        }
        byte[] remembered = RememberedResults.encode(result).toByteArray();
        return ByteBuffer.allocate(1 + remembered.length).put(OTHER).put(remembered).array();
    }

    private static ApplyResult decodeOther(byte[] value) {
        byte[] body = Arrays.copyOfRange(value, 1, value.length);
        return RememberedResults.decode(parse(() -> RememberedResult.parseFrom(body), "idempotent result"));
    }

    static ApplyResult decodeResult(byte[] value) {
        if (value.length == 0) {
            throw new StateMachineException("stored idempotent result is empty");
        }
        return switch (value[0]) {
            case ROOM_CREATED -> decodeRoomCreated(value);
            case MESSAGE_STORED -> new ApplyResult.MessageStored(parseMessage(Arrays.copyOfRange(value, 1, value.length)));
            case OTHER -> decodeOther(value);
            default -> throw new StateMachineException("stored idempotent result has unknown tag " + value[0]);
        };
    }

    static ChatMessage parseMessage(byte[] value) {
        try {
            return ChatMessage.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new StateMachineException("stored message cannot be decoded", e);
        }
    }

    private static ApplyResult decodeRoomCreated(byte[] value) {
        if (value.length < 1 + Long.BYTES) {
            throw new StateMachineException("stored RoomCreated result is truncated");
        }
        long logIndex = ByteBuffer.wrap(value, 1, Long.BYTES).getLong();
        String room = new String(value, 1 + Long.BYTES, value.length - 1 - Long.BYTES, StandardCharsets.UTF_8);
        return new ApplyResult.RoomCreated(room, logIndex);
    }
}
