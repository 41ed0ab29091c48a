package org.raftchat.statemachine;

import java.util.ArrayList;
import java.util.List;
import org.raftchat.proto.v1.CreateRoom;
import org.raftchat.proto.v1.DeleteRoom;
import org.raftchat.proto.v1.JoinRoom;
import org.raftchat.proto.v1.LeaveRoom;
import org.raftchat.proto.v1.StampedLimits;

/**
 * Rooms and membership. Limits arrive stamped
 * in the command by the leader (0 = none), so every replica enforces the same ones.
 */
final class RoomCommands {

    private final BatchStore store;
    private final StateView view;
    private final MessageLog log;
    private final QueueCommands queues;
    private final TextErasure erasure;

    RoomCommands(BatchStore store, StateView view, MessageLog log, QueueCommands queues, TextErasure erasure) {
        this.store = store;
        this.view = view;
        this.log = log;
        this.queues = queues;
        this.erasure = erasure;
    }

    ApplyResult createRoom(long index, long timestampMs, CreateRoom body) {
        String room = body.getRoom();
        boolean deadLetters = body.getQueue() && body.getQueuePolicy().getMaxDeliveries() > 0;
        String deadLetterRoom = QueueCommands.deadLetterRoom(room);
        return Check.require(!room.equals(WellKnown.MAIN_HALL) && !view.roomExists(room), Rejection.ROOM_ALREADY_EXISTS,
                        () -> "room '" + room + "' already exists")
                .and(() -> view.knownUser(body.getCreator()))
                .and(() -> userRoomLimit(body.getCreator(), body.getLimits()))
                .and(() -> Check.require(!deadLetters || !view.roomExists(deadLetterRoom), Rejection.ROOM_ALREADY_EXISTS,
                        () -> "room '" + deadLetterRoom + "', the dead-letter room queue '" + room + "' needs, already exists"))
                .then(() -> create(index, timestampMs, body, deadLetters));
    }

    private ApplyResult create(long index, long timestampMs, CreateRoom body, boolean deadLetters) {
        String room = body.getRoom();
        String deadLetterRoom = QueueCommands.deadLetterRoom(room);
        store.put(Keys.room(room), StoredValues.encodeRoom(body.getCreator(), body.getDescription(), timestampMs, index,
                body.getQueue(), body.getInviteOnly()));
        if (body.getQueue()) {
            queues.create(room, body.getQueuePolicy());
        }
        addMember(room, body.getCreator());
        if (deadLetters) {
            // An ordinary room of the owner's, where messages go after their last delivery.
            store.put(Keys.room(deadLetterRoom), StoredValues.encodeRoom(body.getCreator(),
                    "dead letters of queue #" + room, timestampMs, index, false));
            addMember(deadLetterRoom, body.getCreator());
        }
        return new ApplyResult.RoomCreated(room, index);
    }

    /** Puts a new account in MainHall, creating MainHall with the first account. */
    void enterMainHall(String user, long index, long timestampMs) {
        byte[] key = Keys.room(WellKnown.MAIN_HALL);
        if (store.get(key) == null) {
            store.put(key, StoredValues.encodeRoom(WellKnown.SYSTEM_USER, WellKnown.MAIN_HALL_DESCRIPTION, timestampMs, index, false));
        }
        addMember(WellKnown.MAIN_HALL, user);
    }

    ApplyResult join(JoinRoom body) {
        String room = body.getRoom();
        String user = body.getUser();
        byte[] roomValue = store.get(Keys.room(room));
        if (roomValue == null) {
            return Refusals.roomNotFound(room);
        }
        if (view.isMember(room, user)) {
            return new ApplyResult.MembershipChanged(room, user, true, view.memberCount(room));
        }
        return view.knownUser(user)
                .and(() -> admission(room, StoredValues.decodeRoom(room, roomValue, 0), user))
                .and(() -> userRoomLimit(user, body.getLimits()))
                .and(() -> roomHasSpace(room, body.getLimits()))
                .then(() -> {
                    addMember(room, user);
                    return new ApplyResult.MembershipChanged(room, user, true, view.memberCount(room));
                });
    }

    /** Whether a ban or the room's invite-only setting keeps {@code user} out. */
    private Check admission(String room, RoomInfo info, String user) {
        if (view.banned(room, user)) {
            return Check.refused(Rejection.BANNED, user + " is banned from room '" + room + "'");
        }
        return Check.require(!info.inviteOnly() || info.creator().equals(user) || view.invited(room, user), Rejection.NOT_INVITED,
                () -> "room '" + room + "' is invite-only and " + user + " is not invited: ask its owner (" + info.creator() + ")");
    }

    private Check roomHasSpace(String room, StampedLimits limits) {
        int maxMembers = limits.getMaxMembersPerRoom();
        // MainHall holds every account by definition, so the per-room limit does not apply to it.
        return Check.require(maxMembers <= 0 || room.equals(WellKnown.MAIN_HALL) || view.memberCount(room) < maxMembers,
                Rejection.LIMIT_REACHED, () -> "room '" + room + "' is full (" + maxMembers + " members)");
    }

    ApplyResult leave(LeaveRoom body) {
        String room = body.getRoom();
        String user = body.getUser();
        byte[] value = store.get(Keys.room(room));
        if (value == null) {
            return Refusals.roomNotFound(room);
        }
        if (room.equals(WellKnown.MAIN_HALL)) {
            return new ApplyResult.Rejected(Rejection.NOT_ALLOWED_FOR_ROOM, "nobody leaves MainHall");
        }
        if (StoredValues.decodeRoom(room, value, 0).creator().equals(user)) {
            return new ApplyResult.Rejected(Rejection.NOT_ALLOWED_FOR_ROOM,
                    "the owner cannot leave room '" + room + "'; delete it instead");
        }
        if (view.isMember(room, user)) {
            removeMember(room, user);
            queues.memberLeft(room, user);
        }
        return new ApplyResult.MembershipChanged(room, user, false, view.memberCount(room));
    }

    /**
     * Deletes the room, its members, messages (no text of them stays: dead-letter copies become
     * tombstones) and read positions; MainHall gets a notice.
     */
    ApplyResult delete(long index, long timestampMs, DeleteRoom body) {
        String room = body.getRoom();
        byte[] value = store.get(Keys.room(room));
        if (value == null) {
            return Refusals.roomNotFound(room);
        }
        if (room.equals(WellKnown.MAIN_HALL)) {
            return new ApplyResult.Rejected(Rejection.NOT_ALLOWED_FOR_ROOM, "MainHall cannot be deleted");
        }
        String owner = StoredValues.decodeRoom(room, value, 0).creator();
        if (!owner.equals(body.getUser())) {
            return new ApplyResult.Rejected(Rejection.NOT_ROOM_OWNER, "only the owner (" + owner + ") may delete room '" + room + "'");
        }
        List<String> members = members(room);
        byte[] conversation = Keys.conversation(CanonicalConversations.room(room));
        for (String member : members) {
            removeMember(room, member);
            store.delete(Keys.readPosition(member, conversation));
        }
        store.delete(Keys.memberCount(room));
        // A room created again under this name starts with nobody banned or invited.
        store.keysWithPrefix(Keys.banPrefix(room)).forEach(store::delete);
        store.keysWithPrefix(Keys.invitationPrefix(room)).forEach(store::delete);
        queues.roomDeleted(room);
        store.delete(Keys.room(room));
        store.keysWithPrefix(Keys.messagePrefix(conversation)).forEach(store::delete);
        erasure.conversationDeleted(conversation);
        store.delete(Keys.counter(conversation));
        String text = "room #" + room + " was deleted by its owner " + owner + "; its " + members.size()
                + (members.size() == 1 ? " member is" : " members are") + " still here in MainHall";
        ApplyResult.MessageStored notice = log.append(CanonicalConversations.room(WellKnown.MAIN_HALL),
                WellKnown.SYSTEM_USER, text, index, timestampMs);
        return new ApplyResult.RoomDeleted(room, members, notice.message());
    }

    private Check userRoomLimit(String user, StampedLimits limits) {
        int max = limits.getMaxRoomsPerUser();
        // MainHall does not count: every user is in it.
        return Check.require(max <= 0 || store.keysWithPrefix(Keys.userRoomPrefix(user)).size() - 1 < max, Rejection.LIMIT_REACHED,
                () -> user + " is already in " + max + " room(s) besides MainHall, the limit");
    }

    private List<String> members(String room) {
        byte[] prefix = Keys.memberPrefix(room);
        List<String> members = new ArrayList<>();
        for (byte[] key : store.keysWithPrefix(prefix)) {
            members.add(Keys.suffix(key, prefix));
        }
        return members;
    }

    private void addMember(String room, String user) {
        store.put(Keys.member(room, user), new byte[0]);
        store.put(Keys.userRoom(user, room), new byte[0]);
        store.put(Keys.memberCount(room), Keys.longBytes(view.memberCount(room) + 1));
    }

    void removeMember(String room, String user) {
        store.delete(Keys.member(room, user));
        store.delete(Keys.userRoom(user, room));
        store.put(Keys.memberCount(room), Keys.longBytes(view.memberCount(room) - 1));
    }
}
