package org.raftchat.statemachine;

import com.google.protobuf.InvalidProtocolBufferException;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.StoredIdempotency;
import org.raftchat.proto.v1.StoredAssignment;
import org.raftchat.proto.v1.StoredQueue;
import org.raftchat.proto.v1.StoredRoom;
import org.raftchat.proto.v1.StoredSession;
import org.raftchat.proto.v1.StoredUser;

/**
 * Decoding of stored values other than plain longs (rooms, users, sessions, queues, idempotency
 * records: protobuf messages of stored_state.proto; messages: ChatMessage).
 */
final class StoredValues {

    private StoredValues() {}

    static byte[] encodeRoom(String owner, String description, long createdAtMs, long createdLogIndex, boolean queue) {
        return encodeRoom(owner, description, createdAtMs, createdLogIndex, queue, false);
    }

    static byte[] encodeRoom(String owner, String description, long createdAtMs, long createdLogIndex, boolean queue,
                             boolean inviteOnly) {
        return StoredRoom.newBuilder()
                .setQueue(queue)
                .setInviteOnly(inviteOnly)
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
                room.getCreatedLogIndex(), memberCount, room.getQueue(), room.getInviteOnly());
    }

    static StoredRoom decodeStoredRoom(String name, byte[] value) {
        return parse(() -> StoredRoom.parseFrom(value), "room '" + name + "'");
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

    static StoredIdempotency decodeIdempotency(byte[] value) {
        return parse(() -> StoredIdempotency.parseFrom(value), "idempotency record");
    }

    static ChatMessage parseMessage(byte[] value) {
        try {
            return ChatMessage.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new StateMachineException("stored message cannot be decoded", e);
        }
    }
}
