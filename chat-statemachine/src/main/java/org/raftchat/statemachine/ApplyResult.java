package org.raftchat.statemachine;

import java.util.List;
import java.util.Objects;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;

/**
 * The outcome of one log entry. Business outcomes are data, not exceptions: the node maps each
 * variant to a gRPC answer in one place. A retried command (same user, same idempotency key, same
 * request) yields the result of its first successful application, equal to the original one (a
 * stored message as it is now: edited, or deleted); the same key with another request is
 * {@link Rejection#IDEMPOTENCY_KEY_REUSED}.
 */
public sealed interface ApplyResult {

    /**
     * Calls {@code visitor}'s method for this kind of result. Every kind has its own method and no
     * visitor has a default, so a new kind does not compile until every visitor handles it (Java 17
     * has no switch over a sealed type).
     */
    <T> T accept(Visitor<T> visitor);

    /** One method per kind of result; see {@link #accept}. */
    interface Visitor<T> {
        T visit(RoomCreated result);

        T visit(MessageStored result);

        T visit(Rejected result);

        T visit(Batched result);

        T visit(UserRegistered result);

        T visit(SessionOpened result);

        T visit(SessionClosed result);

        T visit(NicknameSet result);

        T visit(MembershipChanged result);

        T visit(RoomDeleted result);

        T visit(ReadMarked result);

        T visit(PresenceUpdated result);

        T visit(FriendshipChanged result);

        T visit(ConsumptionChanged result);

        T visit(QueueAcked result);

        T visit(QueueNacked result);

        T visit(QueueDeliveriesExpired result);

        T visit(LoginFailureRecorded result);

        T visit(SessionsEnded result);

        T visit(LoginFailuresCleared result);

        T visit(PasswordChanged result);

        T visit(RoomSettingsChanged result);

        T visit(StandingChanged result);

        T visit(AwaySet result);

        T visit(AlreadyApplied result);
    }

    /** A room was created by the entry at {@code logIndex}. */
    record RoomCreated(String room, long logIndex) implements ApplyResult {
        public RoomCreated {
            Objects.requireNonNull(room, "room");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** A message was stored; it carries its conversation (canonical), seq, timestamp and log index. */
    record MessageStored(ChatMessage message) implements ApplyResult {
        public MessageStored {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** The command was refused; nothing but the applied index changed. {@code detail} is a human sentence. */
    record Rejected(Rejection reason, String detail) implements ApplyResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /**
     * The results of an entry that carried a batch of commands, one per command in the batch's
     * order. A command inside may be rejected while the others are stored.
     */
    record Batched(List<ApplyResult> results) implements ApplyResult {
        public Batched {
            results = List.copyOf(results);
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** An account was created (and joined MainHall). */
    record UserRegistered(String username) implements ApplyResult {
        public UserRegistered {
            Objects.requireNonNull(username, "username");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** A session was opened for (username, deviceId), replacing any earlier session of that device. */
    record SessionOpened(String username, String deviceId, String nickname) implements ApplyResult {
        public SessionOpened {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(deviceId, "deviceId");
            Objects.requireNonNull(nickname, "nickname");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** The session of {@code username} ended. */
    record SessionClosed(String username) implements ApplyResult {
        public SessionClosed {
            Objects.requireNonNull(username, "username");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    record NicknameSet(String username, String nickname) implements ApplyResult {
        public NicknameSet {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(nickname, "nickname");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** After a join or leave: whether {@code user} is a member, and the room's member count. */
    record MembershipChanged(String room, String user, boolean member, int memberCount) implements ApplyResult {
        public MembershipChanged {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(user, "user");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** A room was deleted; {@code notice} is the message that tells MainHall, also delivered to its subscribers. */
    record RoomDeleted(String room, List<String> members, ChatMessage notice) implements ApplyResult {
        public RoomDeleted {
            Objects.requireNonNull(room, "room");
            members = List.copyOf(members);
            Objects.requireNonNull(notice, "notice");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** The user's read position in the conversation after a MarkRead. */
    record ReadMarked(ConversationRef conversation, long readSeq) implements ApplyResult {
        public ReadMarked {
            Objects.requireNonNull(conversation, "conversation");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** A heartbeat (1) or a presence tick (how many sessions went offline). */
    record PresenceUpdated(int sessions) implements ApplyResult {
        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** After adding or removing a friend: whether {@code friend} is on {@code user}'s list. */
    record FriendshipChanged(String user, String friend, boolean friends) implements ApplyResult {
        public FriendshipChanged {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(friend, "friend");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** After a start or stop: whether the session consumes the queue room, and how many consumers it has. */
    record ConsumptionChanged(String room, boolean consuming, int consumerCount) implements ApplyResult {
        public ConsumptionChanged {
            Objects.requireNonNull(room, "room");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** Queue message {@code seq} of {@code room} was acknowledged by its consumer and will not be delivered again. */
    record QueueAcked(String room, long seq) implements ApplyResult {
        public QueueAcked {
            Objects.requireNonNull(room, "room");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** Queue message {@code seq} was handed back by its consumer: to another consumer, or (deadLettered) to the dead-letter room. */
    record QueueNacked(String room, long seq, boolean deadLettered) implements ApplyResult {
        public QueueNacked {
            Objects.requireNonNull(room, "room");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** An expiry command took {@code deliveries} messages back from consumers that let their ack deadline pass. */
    record QueueDeliveriesExpired(int deliveries) implements ApplyResult {
        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /**
     * A wrong login was counted: failures in a row of the (user, address) pair and of the address,
     * and the leader time until which the pair or the address is locked out (0: neither is).
     */
    record LoginFailureRecorded(String username, int userFailures, int addressFailures, long lockedUntilMs) implements ApplyResult {
        public LoginFailureRecorded {
            Objects.requireNonNull(username, "username");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** Sessions of {@code username} ended (revoked, logged out everywhere); for an expiry, every user's, and username is empty. */
    record SessionsEnded(String username, int sessions) implements ApplyResult {
        public SessionsEnded {
            Objects.requireNonNull(username, "username");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** A correct login forgot the (user, address) pair's failures. */
    record LoginFailuresCleared(String username) implements ApplyResult {
        public LoginFailuresCleared {
            Objects.requireNonNull(username, "username");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** The user's password was changed; {@code sessionsEnded} of their other sessions ended. */
    record PasswordChanged(String username, int sessionsEnded) implements ApplyResult {
        public PasswordChanged {
            Objects.requireNonNull(username, "username");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** After a topic or invite-only change: the room's description and whether it is invite-only. */
    record RoomSettingsChanged(String room, String description, boolean inviteOnly) implements ApplyResult {
        public RoomSettingsChanged {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(description, "description");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** After an invite, kick, ban or unban: {@code user}'s standing in the room. */
    record StandingChanged(String room, String user, boolean member, boolean invited, boolean banned) implements ApplyResult {
        public StandingChanged {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(user, "user");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** The user's away message after the call (empty: not away). */
    record AwaySet(String username, String message) implements ApplyResult {
        public AwaySet {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }

    /** The entry's index is at or below the applied index (replay after a restart): nothing was done. */
    record AlreadyApplied() implements ApplyResult {
        @Override
        public <T> T accept(Visitor<T> visitor) {
            return visitor.visit(this);
        }
    }
}
