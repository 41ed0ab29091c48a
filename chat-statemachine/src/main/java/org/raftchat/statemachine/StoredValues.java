package org.raftchat.statemachine;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.raftchat.proto.v1.ChatMessage;

/**
 * Fixed layouts of stored values other than plain longs.
 *
 * <pre>
 * room:               created_at_ms(8) created_log_index(8) utf8(creator)
 * idempotent result:  1 log_index(8) utf8(room)          RoomCreated
 *                   | 2 ChatMessage protobuf              MessageStored
 * </pre>
 */
final class StoredValues {

    private static final byte ROOM_CREATED = 1;
    private static final byte MESSAGE_STORED = 2;
    private static final int ROOM_HEADER_BYTES = 2 * Long.BYTES;

    private StoredValues() {}

    static byte[] encodeRoom(RoomInfo room) {
        byte[] creator = room.creator().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(ROOM_HEADER_BYTES + creator.length)
                .putLong(room.createdAtMs())
                .putLong(room.createdLogIndex())
                .put(creator)
                .array();
    }

    static RoomInfo decodeRoom(String name, byte[] value) {
        if (value.length < ROOM_HEADER_BYTES) {
            throw new StateMachineException("stored room '" + name + "' is truncated");
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        long createdAtMs = buffer.getLong();
        long createdLogIndex = buffer.getLong();
        String creator = new String(value, ROOM_HEADER_BYTES, value.length - ROOM_HEADER_BYTES, StandardCharsets.UTF_8);
        return new RoomInfo(name, creator, createdAtMs, createdLogIndex);
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
        throw new IllegalArgumentException("not a remembered result: " + result);
    }

    static ApplyResult decodeResult(byte[] value) {
        if (value.length == 0) {
            throw new StateMachineException("stored idempotent result is empty");
        }
        return switch (value[0]) {
            case ROOM_CREATED -> decodeRoomCreated(value);
            case MESSAGE_STORED -> new ApplyResult.MessageStored(parseMessage(Arrays.copyOfRange(value, 1, value.length)));
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
