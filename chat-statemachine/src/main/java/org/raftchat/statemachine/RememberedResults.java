package org.raftchat.statemachine;

import org.raftchat.proto.v1.RememberedAck;
import org.raftchat.proto.v1.RememberedConsumption;
import org.raftchat.proto.v1.RememberedDeletion;
import org.raftchat.proto.v1.RememberedFriendship;
import org.raftchat.proto.v1.RememberedMembership;
import org.raftchat.proto.v1.RememberedNack;
import org.raftchat.proto.v1.RememberedNickname;
import org.raftchat.proto.v1.RememberedRead;
import org.raftchat.proto.v1.RememberedResult;
import org.raftchat.proto.v1.RememberedSessionsEnded;
import org.raftchat.proto.v1.RememberedAway;
import org.raftchat.proto.v1.RememberedRoomSettings;
import org.raftchat.proto.v1.RememberedStanding;

/** Converts the idempotency records of the account, room and read-position commands to and from protobuf. */
final class RememberedResults {

    private RememberedResults() {}

    static RememberedResult encode(ApplyResult result) {
        RememberedResult.Builder out = RememberedResult.newBuilder();
        if (result instanceof ApplyResult.UserRegistered r) {
            return out.setUserRegistered(r.username()).build();
        }
        if (result instanceof ApplyResult.SessionClosed r) {
            return out.setSessionClosed(r.username()).build();
        }
        if (result instanceof ApplyResult.NicknameSet r) {
            return out.setNicknameSet(RememberedNickname.newBuilder().setUsername(r.username()).setNickname(r.nickname())).build();
        }
        if (result instanceof ApplyResult.MembershipChanged r) {
            return out.setMembershipChanged(RememberedMembership.newBuilder()
                    .setRoom(r.room()).setUser(r.user()).setMember(r.member()).setMemberCount(r.memberCount())).build();
        }
        if (result instanceof ApplyResult.RoomDeleted r) {
            return out.setRoomDeleted(RememberedDeletion.newBuilder()
                    .setRoom(r.room()).addAllMembers(r.members()).setNotice(r.notice())).build();
        }
        if (result instanceof ApplyResult.ReadMarked r) {
            return out.setReadMarked(RememberedRead.newBuilder().setConversation(r.conversation()).setReadSeq(r.readSeq())).build();
        }
        if (result instanceof ApplyResult.FriendshipChanged r) {
            return out.setFriendshipChanged(RememberedFriendship.newBuilder()
                    .setUser(r.user()).setFriend(r.friend()).setFriends(r.friends())).build();
        }
        if (result instanceof ApplyResult.ConsumptionChanged r) {
            return out.setConsumptionChanged(RememberedConsumption.newBuilder()
                    .setRoom(r.room()).setConsuming(r.consuming()).setConsumerCount(r.consumerCount())).build();
        }
        if (result instanceof ApplyResult.QueueAcked r) {
            return out.setQueueAcked(RememberedAck.newBuilder().setRoom(r.room()).setSeq(r.seq())).build();
        }
        if (result instanceof ApplyResult.QueueNacked r) {
            return out.setQueueNacked(RememberedNack.newBuilder().setRoom(r.room()).setSeq(r.seq())
                    .setDeadLettered(r.deadLettered())).build();
        }
        if (result instanceof ApplyResult.SessionsEnded r) {
            return out.setSessionsEnded(RememberedSessionsEnded.newBuilder().setUsername(r.username()).setSessionsEnded(r.sessions())).build();
        }
        if (result instanceof ApplyResult.PasswordChanged r) {
            return out.setPasswordChanged(RememberedSessionsEnded.newBuilder().setUsername(r.username())
                    .setSessionsEnded(r.sessionsEnded())).build();
        }
        if (result instanceof ApplyResult.RoomSettingsChanged r) {
            return out.setRoomSettingsChanged(RememberedRoomSettings.newBuilder().setRoom(r.room())
                    .setDescription(r.description()).setInviteOnly(r.inviteOnly())).build();
        }
        if (result instanceof ApplyResult.StandingChanged r) {
            return out.setStandingChanged(RememberedStanding.newBuilder().setRoom(r.room()).setUser(r.user())
                    .setMember(r.member()).setInvited(r.invited()).setBanned(r.banned())).build();
        }
        if (result instanceof ApplyResult.AwaySet r) {
            return out.setAwaySet(RememberedAway.newBuilder().setUsername(r.username()).setMessage(r.message())).build();
        }
        // SessionOpened, heartbeats and presence ticks are never remembered: they carry no idempotency key.
        throw new IllegalArgumentException("not a remembered result: " + result);
    }

    static ApplyResult decode(RememberedResult stored) {
        return switch (stored.getKindCase()) {
            case USER_REGISTERED -> new ApplyResult.UserRegistered(stored.getUserRegistered());
            case SESSION_CLOSED -> new ApplyResult.SessionClosed(stored.getSessionClosed());
            case NICKNAME_SET -> new ApplyResult.NicknameSet(stored.getNicknameSet().getUsername(),
                    stored.getNicknameSet().getNickname());
            case MEMBERSHIP_CHANGED -> {
                RememberedMembership m = stored.getMembershipChanged();
                yield new ApplyResult.MembershipChanged(m.getRoom(), m.getUser(), m.getMember(), m.getMemberCount());
            }
            case ROOM_DELETED -> {
                RememberedDeletion d = stored.getRoomDeleted();
                yield new ApplyResult.RoomDeleted(d.getRoom(), d.getMembersList(), d.getNotice());
            }
            case READ_MARKED -> new ApplyResult.ReadMarked(stored.getReadMarked().getConversation(),
                    stored.getReadMarked().getReadSeq());
            case FRIENDSHIP_CHANGED -> new ApplyResult.FriendshipChanged(stored.getFriendshipChanged().getUser(),
                    stored.getFriendshipChanged().getFriend(), stored.getFriendshipChanged().getFriends());
            case CONSUMPTION_CHANGED -> new ApplyResult.ConsumptionChanged(stored.getConsumptionChanged().getRoom(),
                    stored.getConsumptionChanged().getConsuming(), stored.getConsumptionChanged().getConsumerCount());
            case QUEUE_ACKED -> new ApplyResult.QueueAcked(stored.getQueueAcked().getRoom(), stored.getQueueAcked().getSeq());
            case QUEUE_NACKED -> new ApplyResult.QueueNacked(stored.getQueueNacked().getRoom(), stored.getQueueNacked().getSeq(),
                    stored.getQueueNacked().getDeadLettered());
            case SESSIONS_ENDED -> new ApplyResult.SessionsEnded(stored.getSessionsEnded().getUsername(),
                    stored.getSessionsEnded().getSessionsEnded());
            case PASSWORD_CHANGED -> new ApplyResult.PasswordChanged(stored.getPasswordChanged().getUsername(),
                    stored.getPasswordChanged().getSessionsEnded());
            case ROOM_SETTINGS_CHANGED -> new ApplyResult.RoomSettingsChanged(stored.getRoomSettingsChanged().getRoom(),
                    stored.getRoomSettingsChanged().getDescription(), stored.getRoomSettingsChanged().getInviteOnly());
            case STANDING_CHANGED -> {
                RememberedStanding s = stored.getStandingChanged();
                yield new ApplyResult.StandingChanged(s.getRoom(), s.getUser(), s.getMember(), s.getInvited(), s.getBanned());
            }
            case AWAY_SET -> new ApplyResult.AwaySet(stored.getAwaySet().getUsername(), stored.getAwaySet().getMessage());
            case KIND_NOT_SET -> throw new StateMachineException("stored idempotent result has no kind");
        };
    }
}
