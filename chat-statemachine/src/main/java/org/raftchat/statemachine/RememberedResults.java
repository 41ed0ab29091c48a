package org.raftchat.statemachine;

import java.util.Optional;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.RememberedAck;
import org.raftchat.proto.v1.RememberedConsumption;
import org.raftchat.proto.v1.RememberedDeletion;
import org.raftchat.proto.v1.RememberedMessage;
import org.raftchat.proto.v1.RememberedRoomCreated;
import org.raftchat.proto.v1.StoredIdempotency;
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

/**
 * What an idempotency record remembers of a keyed command's result, and the result it gives back. A
 * visitor of every kind of result, so a new kind does not compile until it says whether and how it
 * is remembered: nothing inside apply throws for a kind left out. Only the message's place is kept
 * of a stored message ({@link IdempotencyRecords} reads it as it is now).
 */
final class RememberedResults implements ApplyResult.Visitor<Optional<StoredIdempotency.Builder>> {

    private final StoredIdempotency.Builder record;

    private RememberedResults(StoredIdempotency.Builder record) {
        this.record = record;
    }

    /** {@code record} with {@code result} set in it, or none when results of that kind are not remembered. */
    static Optional<StoredIdempotency.Builder> remember(StoredIdempotency.Builder record, ApplyResult result) {
        return result.accept(new RememberedResults(record));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.RoomCreated r) {
        return Optional.of(record.setRoomCreated(RememberedRoomCreated.newBuilder().setRoom(r.room()).setLogIndex(r.logIndex())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.MessageStored r) {
        ChatMessage message = r.message();
        return Optional.of(record.setMessageStored(RememberedMessage.newBuilder().setConversation(message.getConversation())
                .setSeq(message.getSeq()).setLogIndex(message.getLogIndex())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.UserRegistered r) {
        return other(RememberedResult.newBuilder().setUserRegistered(r.username()));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.SessionClosed r) {
        return other(RememberedResult.newBuilder().setSessionClosed(r.username()));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.NicknameSet r) {
        return other(RememberedResult.newBuilder().setNicknameSet(RememberedNickname.newBuilder()
                .setUsername(r.username()).setNickname(r.nickname())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.MembershipChanged r) {
        return other(RememberedResult.newBuilder().setMembershipChanged(RememberedMembership.newBuilder()
                .setRoom(r.room()).setUser(r.user()).setMember(r.member()).setMemberCount(r.memberCount())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.RoomDeleted r) {
        return other(RememberedResult.newBuilder().setRoomDeleted(RememberedDeletion.newBuilder()
                .setRoom(r.room()).addAllMembers(r.members()).setNotice(r.notice())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.ReadMarked r) {
        return other(RememberedResult.newBuilder().setReadMarked(RememberedRead.newBuilder()
                .setConversation(r.conversation()).setReadSeq(r.readSeq())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.FriendshipChanged r) {
        return other(RememberedResult.newBuilder().setFriendshipChanged(RememberedFriendship.newBuilder()
                .setUser(r.user()).setFriend(r.friend()).setFriends(r.friends())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.ConsumptionChanged r) {
        return other(RememberedResult.newBuilder().setConsumptionChanged(RememberedConsumption.newBuilder()
                .setRoom(r.room()).setConsuming(r.consuming()).setConsumerCount(r.consumerCount())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.QueueAcked r) {
        return other(RememberedResult.newBuilder().setQueueAcked(RememberedAck.newBuilder().setRoom(r.room()).setSeq(r.seq())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.QueueNacked r) {
        return other(RememberedResult.newBuilder().setQueueNacked(RememberedNack.newBuilder().setRoom(r.room()).setSeq(r.seq())
                .setDeadLettered(r.deadLettered())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.SessionsEnded r) {
        return other(RememberedResult.newBuilder().setSessionsEnded(RememberedSessionsEnded.newBuilder()
                .setUsername(r.username()).setSessionsEnded(r.sessions())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.PasswordChanged r) {
        return other(RememberedResult.newBuilder().setPasswordChanged(RememberedSessionsEnded.newBuilder()
                .setUsername(r.username()).setSessionsEnded(r.sessionsEnded())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.RoomSettingsChanged r) {
        return other(RememberedResult.newBuilder().setRoomSettingsChanged(RememberedRoomSettings.newBuilder()
                .setRoom(r.room()).setDescription(r.description()).setInviteOnly(r.inviteOnly())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.StandingChanged r) {
        return other(RememberedResult.newBuilder().setStandingChanged(RememberedStanding.newBuilder().setRoom(r.room())
                .setUser(r.user()).setMember(r.member()).setInvited(r.invited()).setBanned(r.banned())));
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.AwaySet r) {
        return other(RememberedResult.newBuilder().setAwaySet(RememberedAway.newBuilder()
                .setUsername(r.username()).setMessage(r.message())));
    }

    // Kinds the node never keys: a login is keyed by its token, presence and login failures by the
    // leader's own bookkeeping, a queue expiry by time. Should the log key one anyway, it is applied
    // as an unkeyed command would be: no record, so a retry applies again.

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.SessionOpened r) {
        return Optional.empty();
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.PresenceUpdated r) {
        return Optional.empty();
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.QueueDeliveriesExpired r) {
        return Optional.empty();
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.LoginFailureRecorded r) {
        return Optional.empty();
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.LoginFailuresCleared r) {
        return Optional.empty();
    }

    // Never a keyed command's own result: a refusal changed nothing (a retry may run again), a group
    // is applied command by command, each with its own key, and a replayed entry is not applied.

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.Rejected r) {
        return Optional.empty();
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.Batched r) {
        return Optional.empty();
    }

    @Override
    public Optional<StoredIdempotency.Builder> visit(ApplyResult.AlreadyApplied r) {
        return Optional.empty();
    }

    private Optional<StoredIdempotency.Builder> other(RememberedResult.Builder result) {
        return Optional.of(record.setOther(result));
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
