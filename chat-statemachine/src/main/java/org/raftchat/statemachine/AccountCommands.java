package org.raftchat.statemachine;

import org.raftchat.proto.v1.CloseSession;
import org.raftchat.proto.v1.OpenSession;
import org.raftchat.proto.v1.RegisterUser;
import org.raftchat.proto.v1.SetNickname;
import org.raftchat.proto.v1.StoredSession;
import org.raftchat.proto.v1.StoredUser;

/**
 * Accounts and sessions: register, log in (open a session), log out, change nickname. Deterministic:
 * the password hash and the token digest were computed by the leader and arrive in the command.
 */
final class AccountCommands {

    private final BatchStore store;
    private final RoomCommands rooms;
    private final SessionCommands sessions;

    AccountCommands(BatchStore store, RoomCommands rooms, SessionCommands sessions) {
        this.store = store;
        this.rooms = rooms;
        this.sessions = sessions;
    }

    ApplyResult register(long index, long timestampMs, RegisterUser body) {
        String name = body.getUsername();
        if (name.equals(WellKnown.SYSTEM_USER) || store.get(Keys.user(name)) != null) {
            return new ApplyResult.Rejected(Rejection.USER_ALREADY_EXISTS, "username '" + name + "' is taken");
        }
        if (store.get(Keys.nickname(name)) != null) {
            return new ApplyResult.Rejected(Rejection.USER_ALREADY_EXISTS, "'" + name + "' is another user's nickname");
        }
        StoredUser user = StoredUser.newBuilder()
                .setPasswordHash(body.getPasswordHash())
                .setNickname(name)
                .setCreatedAtMs(timestampMs)
                .build();
        store.put(Keys.user(name), user.toByteArray());
        store.put(Keys.nickname(name), Keys.utf8(name));
        rooms.enterMainHall(name, index, timestampMs);
        return new ApplyResult.UserRegistered(name);
    }

    /**
     * Opens a session, ending the one the device had (one live session per (user, device)), with the
     * lifetimes the leader stamped; then ends the user's least recently active sessions over the cap.
     */
    ApplyResult openSession(long timestampMs, OpenSession body) {
        String name = body.getUsername();
        byte[] userValue = store.get(Keys.user(name));
        if (userValue == null) {
            return Refusals.userNotFound(name);
        }
        byte[] deviceKey = Keys.device(name, body.getDeviceId());
        byte[] token = body.getTokenSha256().toByteArray();
        // A token names one session on one device: a reused digest (never from the node's random tokens,
        // but the log decides) ends its old session first, so no device key is left pointing elsewhere.
        endIfLive(token);
        byte[] previousToken = store.get(deviceKey);
        if (previousToken != null) {
            if (!endIfLive(previousToken)) {
                throw new StateMachineException("device key of '" + name + "' names a session that does not exist");
            }
        }
        StoredSession session = StoredSession.newBuilder()
                .setUsername(name)
                .setDeviceId(body.getDeviceId())
                .setOpenedAtMs(timestampMs)
                .setLastSeenMs(timestampMs)
                .setOnline(true)
                .setIdleTimeoutMs(Math.max(0, body.getIdleTimeoutMs()))
                .setExpiresAtMs(SessionLifetimes.deadlineMs(timestampMs, body.getMaxLifetimeMs()))
                .build();
        store.put(Keys.session(token), session.toByteArray());
        store.put(deviceKey, token);
        sessions.enforceCap(name, body.getMaxSessionsPerUser(), token);
        String nickname = StoredValues.decodeUser(name, userValue).getNickname();
        return new ApplyResult.SessionOpened(name, body.getDeviceId(), nickname);
    }

    private boolean endIfLive(byte[] token) {
        byte[] value = store.get(Keys.session(token));
        if (value != null) {
            sessions.end(token, StoredValues.decodeSession(value));
        }
        return value != null;
    }

    ApplyResult closeSession(CloseSession body) {
        byte[] token = body.getTokenSha256().toByteArray();
        byte[] value = store.get(Keys.session(token));
        if (value == null) {
            return new ApplyResult.Rejected(Rejection.SESSION_NOT_FOUND, "the session has already ended");
        }
        StoredSession session = StoredValues.decodeSession(value);
        sessions.end(token, session);
        return new ApplyResult.SessionClosed(session.getUsername());
    }

    ApplyResult setNickname(SetNickname body) {
        String name = body.getUsername();
        String wanted = body.getNickname();
        byte[] userValue = store.get(Keys.user(name));
        if (userValue == null) {
            return Refusals.userNotFound(name);
        }
        StoredUser user = StoredValues.decodeUser(name, userValue);
        if (user.getNickname().equals(wanted)) {
            return new ApplyResult.NicknameSet(name, wanted);
        }
        byte[] holder = store.get(Keys.nickname(wanted));
        boolean heldByOther = holder != null && !Keys.fromUtf8(holder).equals(name);
        boolean otherUsername = !wanted.equals(name) && (store.get(Keys.user(wanted)) != null || wanted.equals(WellKnown.SYSTEM_USER));
        if (heldByOther || otherUsername) {
            return new ApplyResult.Rejected(Rejection.NICKNAME_TAKEN, "nickname '" + wanted + "' is taken");
        }
        store.delete(Keys.nickname(user.getNickname()));
        store.put(Keys.nickname(wanted), Keys.utf8(name));
        store.put(Keys.user(name), user.toBuilder().setNickname(wanted).build().toByteArray());
        return new ApplyResult.NicknameSet(name, wanted);
    }
}
