package org.raftchat.statemachine;

import java.util.ArrayList;
import java.util.List;
import org.raftchat.proto.v1.ConversationRef;
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
    private final MessageLog log;
    private final QueueCommands queues;
    private final TextErasure erasure;

    RoomCommands(BatchStore store, MessageLog log, QueueCommands queues, TextErasure erasure) {
        this.store = store;
        this.log = log;
        this.queues = queues;
        this.erasure = erasure;
    }

    ApplyResult createRoom(long index, long timestampMs, CreateRoom body) {
        String room = body.getRoom();
        if (room.equals(WellKnown.MAIN_HALL) || store.get(Keys.room(room)) != null) {
            return new ApplyResult.Rejected(Rejection.ROOM_ALREADY_EXISTS, "room '" + room + "' already exists");
        }
        if (store.get(Keys.user(body.getCreator())) == null) {
            return Refusals.userNotFound(body.getCreator());
        }
        ApplyResult.Rejected overLimit = userRoomLimit(body.getCreator(), body.getLimits());
        if (overLimit != null) {
            return overLimit;
        }
        boolean deadLetters = body.getQueue() && body.getQueuePolicy().getMaxDeliveries() > 0;
        String deadLetterRoom = QueueCommands.deadLetterRoom(room);
        if (deadLetters && store.get(Keys.room(deadLetterRoom)) != null) {
            return new ApplyResult.Rejected(Rejection.ROOM_ALREADY_EXISTS, "room '" + deadLetterRoom
                    + "', the dead-letter room queue '" + room + "' needs, already exists");
        }
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
        if (isMember(room, user)) {
            return new ApplyResult.MembershipChanged(room, user, true, memberCount(room));
        }
        if (store.get(Keys.user(user)) == null) {
            return Refusals.userNotFound(user);
        }
        ApplyResult.Rejected refused = checkAdmission(room, StoredValues.decodeRoom(room, roomValue, 0), user);
        if (refused != null) {
            return refused;
        }
        ApplyResult.Rejected overLimit = userRoomLimit(user, body.getLimits());
        if (overLimit != null) {
            return overLimit;
        }
        int maxMembers = body.getLimits().getMaxMembersPerRoom();
        // MainHall holds every account by definition, so the per-room limit does not apply to it.
        if (maxMembers > 0 && !room.equals(WellKnown.MAIN_HALL) && memberCount(room) >= maxMembers) {
            return new ApplyResult.Rejected(Rejection.LIMIT_REACHED, "room '" + room + "' is full (" + maxMembers + " members)");
        }
        addMember(room, user);
        return new ApplyResult.MembershipChanged(room, user, true, memberCount(room));
    }

    /** Null when a ban or the room's invite-only setting does not keep {@code user} out, else why it does. */
    private ApplyResult.Rejected checkAdmission(String room, RoomInfo info, String user) {
        if (store.get(Keys.ban(room, user)) != null) {
            return new ApplyResult.Rejected(Rejection.BANNED, user + " is banned from room '" + room + "'");
        }
        if (info.inviteOnly() && !info.creator().equals(user) && store.get(Keys.invitation(room, user)) == null) {
            return new ApplyResult.Rejected(Rejection.NOT_INVITED,
                    "room '" + room + "' is invite-only and " + user + " is not invited: ask its owner (" + info.creator() + ")");
        }
        return null;
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
        if (isMember(room, user)) {
            removeMember(room, user);
            queues.memberLeft(room, user);
        }
        return new ApplyResult.MembershipChanged(room, user, false, memberCount(room));
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
        byte[] conversation = Keys.conversation(Conversations.room(room));
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
        ApplyResult.MessageStored notice = log.append(Conversations.room(WellKnown.MAIN_HALL),
                WellKnown.SYSTEM_USER, text, index, timestampMs);
        return new ApplyResult.RoomDeleted(room, members, notice.message());
    }

    /** Null when the author may post to the room, else why not. */
    ApplyResult.Rejected checkPoster(String room, String author) {
        if (store.get(Keys.room(room)) == null) {
            return Refusals.roomNotFound(room);
        }
        if (!isMember(room, author)) {
            return new ApplyResult.Rejected(Rejection.NOT_A_MEMBER, author + " is not a member of room '" + room + "'");
        }
        return null;
    }

    /**
     * Why {@code user} may not read (or change anything in) the conversation, or null: a room must
     * exist and have them as a member, a private conversation must be theirs. The same refusal as a
     * read gets, so a stranger learns nothing about what the conversation holds.
     */
    ApplyResult.Rejected checkReader(ConversationRef conversation, String user) {
        if (conversation.getKindCase() == ConversationRef.KindCase.ROOM) {
            return checkPoster(conversation.getRoom(), user);
        }
        boolean participant = conversation.getDirect().getUserA().equals(user) || conversation.getDirect().getUserB().equals(user);
        return participant ? null : new ApplyResult.Rejected(Rejection.NOT_A_MEMBER, user + " is not part of that private conversation");
    }

    private ApplyResult.Rejected userRoomLimit(String user, StampedLimits limits) {
        int max = limits.getMaxRoomsPerUser();
        // MainHall does not count: every user is in it.
        if (max > 0 && store.keysWithPrefix(Keys.userRoomPrefix(user)).size() - 1 >= max) {
            return new ApplyResult.Rejected(Rejection.LIMIT_REACHED, user + " is already in " + max + " room(s) besides MainHall, the limit");
        }
        return null;
    }

    boolean isMember(String room, String user) {
        return store.get(Keys.member(room, user)) != null;
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
        store.put(Keys.memberCount(room), Keys.longBytes(memberCount(room) + 1));
    }

    void removeMember(String room, String user) {
        store.delete(Keys.member(room, user));
        store.delete(Keys.userRoom(user, room));
        store.put(Keys.memberCount(room), Keys.longBytes(memberCount(room) - 1));
    }

    private int memberCount(String room) {
        byte[] value = store.get(Keys.memberCount(room));
        return value == null ? 0 : Math.toIntExact(Keys.readLong(value));
    }
}
