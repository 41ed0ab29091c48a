package org.raftchat.statemachine;

import org.raftchat.proto.v1.BanFromRoom;
import org.raftchat.proto.v1.InviteToRoom;
import org.raftchat.proto.v1.KickFromRoom;
import org.raftchat.proto.v1.SetAway;
import org.raftchat.proto.v1.SetRoomInviteOnly;
import org.raftchat.proto.v1.SetRoomTopic;
import org.raftchat.proto.v1.StoredRoom;
import org.raftchat.proto.v1.StoredUser;
import org.raftchat.proto.v1.UnbanFromRoom;

/**
 * Room moderation by the owner (topic, invite-only, invite, kick, ban, unban) and users' away
 * messages. Only the owner moderates, so nobody moderates MainHall (owned by the system user), and
 * the owner is never the target. Kick and ban take the user out as a leave does (work-queue
 * messages they held are handed on); a ban also keeps them from joining, and so from posting and
 * reading, until an unban. Repeating a command changes nothing more (a second ban is still a ban).
 */
final class ModerationCommands {

    private final BatchStore store;
    private final StateView view;
    private final RoomCommands rooms;
    private final QueueCommands queues;

    ModerationCommands(BatchStore store, StateView view, RoomCommands rooms, QueueCommands queues) {
        this.store = store;
        this.view = view;
        this.rooms = rooms;
        this.queues = queues;
    }

    ApplyResult setTopic(SetRoomTopic body) {
        return changeSettings(body.getRoom(), body.getUser(), "change the topic of",
                room -> room.setDescription(body.getTopic()));
    }

    ApplyResult setInviteOnly(SetRoomInviteOnly body) {
        return changeSettings(body.getRoom(), body.getUser(), "change who may join",
                room -> room.setInviteOnly(body.getInviteOnly()));
    }

    ApplyResult invite(InviteToRoom body) {
        return moderate(body.getRoom(), body.getUser(), body.getTarget(), "invite", (room, target) -> {
            Check notBanned = Check.require(!view.banned(room, target), Rejection.NOT_ALLOWED_FOR_ROOM,
                    () -> target + " is banned from room '" + room + "': unban them first");
            if (notBanned.passed()) {
                store.put(Keys.invitation(room, target), new byte[0]);
            }
            return notBanned;
        });
    }

    ApplyResult kick(KickFromRoom body) {
        return moderate(body.getRoom(), body.getUser(), body.getTarget(), "kick", (room, target) -> {
            removeFromRoom(room, target);
            return Check.PASSED;
        });
    }

    ApplyResult ban(BanFromRoom body) {
        return moderate(body.getRoom(), body.getUser(), body.getTarget(), "ban", (room, target) -> {
            removeFromRoom(room, target);
            store.put(Keys.ban(room, target), new byte[0]);
            return Check.PASSED;
        });
    }

    ApplyResult unban(UnbanFromRoom body) {
        return moderate(body.getRoom(), body.getUser(), body.getTarget(), "unban", (room, target) -> {
            store.delete(Keys.ban(room, target));
            return Check.PASSED;
        });
    }

    /** Sets the user's away message; an empty one means back. */
    ApplyResult setAway(SetAway body) {
        byte[] key = Keys.user(body.getUsername());
        byte[] value = store.get(key);
        if (value == null) {
            return Refusals.userNotFound(body.getUsername());
        }
        StoredUser user = StoredValues.decodeUser(body.getUsername(), value);
        store.put(key, user.toBuilder().setAwayMessage(body.getMessage()).build().toByteArray());
        return new ApplyResult.AwaySet(body.getUsername(), body.getMessage());
    }

    private interface SettingsChange {
        void apply(StoredRoom.Builder room);
    }

    private ApplyResult changeSettings(String room, String user, String what, SettingsChange change) {
        byte[] key = Keys.room(room);
        byte[] value = store.get(key);
        if (value == null) {
            return Refusals.roomNotFound(room);
        }
        StoredRoom.Builder stored = StoredValues.decodeStoredRoom(room, value).toBuilder();
        return owner(room, stored.getOwner(), user, what).then(() -> {
            change.apply(stored);
            store.put(key, stored.build().toByteArray());
            return new ApplyResult.RoomSettingsChanged(room, stored.getDescription(), stored.getInviteOnly());
        });
    }

    private interface TargetChange {
        /** Changes the target's standing, or says why not (and writes nothing). */
        Check apply(String room, String target);
    }

    /** The checks every moderation command shares, then the change, then the target's standing. */
    private ApplyResult moderate(String room, String user, String target, String verb, TargetChange change) {
        byte[] value = store.get(Keys.room(room));
        if (value == null) {
            return Refusals.roomNotFound(room);
        }
        String owner = StoredValues.decodeStoredRoom(room, value).getOwner();
        return owner(room, owner, user, verb + " users in")
                .and(() -> view.knownUser(target))
                .and(() -> Check.require(!target.equals(owner), Rejection.NOT_ALLOWED_FOR_ROOM,
                        () -> "the owner of room '" + room + "' cannot " + verb + " themselves"))
                .and(() -> change.apply(room, target))
                .then(() -> new ApplyResult.StandingChanged(room, target, view.isMember(room, target),
                        view.invited(room, target), view.banned(room, target)));
    }

    private static Check owner(String room, String owner, String user, String what) {
        return Check.require(owner.equals(user), Rejection.NOT_ROOM_OWNER,
                () -> "only the owner (" + owner + ") may " + what + " room '" + room + "'");
    }

    /** Like a leave (queue messages the user held go to other consumers), and any invitation is withdrawn. */
    private void removeFromRoom(String room, String user) {
        if (view.isMember(room, user)) {
            rooms.removeMember(room, user);
            queues.memberLeft(room, user);
        }
        store.delete(Keys.invitation(room, user));
    }
}
