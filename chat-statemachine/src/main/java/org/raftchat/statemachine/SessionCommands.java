package org.raftchat.statemachine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.raftchat.proto.v1.ChangePassword;
import org.raftchat.proto.v1.CloseUserSessions;
import org.raftchat.proto.v1.RevokeSession;
import org.raftchat.proto.v1.StoredSession;
import org.raftchat.proto.v1.StoredUser;

/**
 * How sessions end besides a logout: expiry (idle or absolute lifetime, in leader time), the per-user
 * cap, revocation by id, logout everywhere, and a password change. Deterministic: times and limits
 * come from the commands, sessions are visited in key order.
 */
final class SessionCommands {

    private final BatchStore store;
    private final QueueCommands queues;

    SessionCommands(BatchStore store, QueueCommands queues) {
        this.store = store;
        this.queues = queues;
    }

    /** A live session of a user, as apply finds it through the user's device keys. */
    record UserSession(byte[] token, StoredSession session) {}

    /** Ends a session: its key, its device's pointer if that is still this session, and what it consumed. */
    void end(byte[] token, StoredSession session) {
        store.delete(Keys.session(token));
        queues.sessionEnded(token);
        byte[] deviceKey = Keys.device(session.getUsername(), session.getDeviceId());
        if (Arrays.equals(store.get(deviceKey), token)) {
            store.delete(deviceKey);
        }
    }

    /** The user's live sessions in device-key order (every live session is its device's one). */
    List<UserSession> ofUser(String user) {
        List<UserSession> sessions = new ArrayList<>();
        for (byte[] deviceKey : store.keysWithPrefix(Keys.devicePrefix(user))) {
            byte[] token = store.get(deviceKey);
            byte[] value = store.get(Keys.session(token));
            if (value == null) {
                throw new StateMachineException("device key of '" + user + "' names a session that does not exist");
            }
            sessions.add(new UserSession(token, StoredValues.decodeSession(value)));
        }
        return sessions;
    }

    /**
     * After a login: while the user has more than {@code maxSessions} sessions (0: no cap), ends the
     * least recently active one other than {@code newToken} (ties: the older login, then device order).
     */
    void enforceCap(String user, int maxSessions, byte[] newToken) {
        if (maxSessions <= 0) {
            return;
        }
        List<UserSession> others = new ArrayList<>(ofUser(user).stream()
                .filter(s -> !Arrays.equals(s.token(), newToken)).toList());
        others.sort(Comparator.comparingLong((UserSession s) -> s.session().getLastSeenMs())
                .thenComparingLong(s -> s.session().getOpenedAtMs()));
        int excess = others.size() + 1 - maxSessions;
        for (int i = 0; i < excess && i < others.size(); i++) {
            end(others.get(i).token(), others.get(i).session());
        }
    }

    /** Ends every session past its idle or absolute lifetime at {@code timestampMs}. O(sessions). */
    ApplyResult expire(long timestampMs) {
        int ended = 0;
        for (byte[] key : store.keysWithPrefix(new byte[] {Keys.SESSION})) {
            StoredSession session = StoredValues.decodeSession(store.get(key));
            if (SessionLifetimes.expiredAt(session, timestampMs)) {
                end(Arrays.copyOfRange(key, 1, key.length), session);
                ended++;
            }
        }
        return new ApplyResult.SessionsEnded("", ended);
    }

    ApplyResult revoke(RevokeSession body) {
        int ended = 0;
        for (UserSession s : ofUser(body.getUsername())) {
            if (SessionLifetimes.id(s.token()).equals(body.getSessionId())) {
                end(s.token(), s.session());
                ended++;
            }
        }
        if (ended == 0) {
            return new ApplyResult.Rejected(Rejection.SESSION_ID_NOT_FOUND,
                    "you have no session with id '" + body.getSessionId() + "' (see 'raftchat sessions')");
        }
        return new ApplyResult.SessionsEnded(body.getUsername(), ended);
    }

    ApplyResult closeUserSessions(CloseUserSessions body) {
        return new ApplyResult.SessionsEnded(body.getUsername(), endAllBut(body.getUsername(), body.getKeepTokenSha256().toByteArray()));
    }

    ApplyResult changePassword(ChangePassword body) {
        String name = body.getUsername();
        byte[] userValue = store.get(Keys.user(name));
        if (userValue == null) {
            return Refusals.userNotFound(name);
        }
        StoredUser user = StoredValues.decodeUser(name, userValue);
        if (!user.getPasswordHash().equals(body.getPreviousPasswordHash())) {
            // The leader checked the old password against a hash that another change has replaced since.
            return new ApplyResult.Rejected(Rejection.PASSWORD_CHANGED_MEANWHILE,
                    "the password was changed meanwhile: check the old password and try again");
        }
        store.put(Keys.user(name), user.toBuilder().setPasswordHash(body.getNewPasswordHash()).build().toByteArray());
        return new ApplyResult.PasswordChanged(name, endAllBut(name, body.getKeepTokenSha256().toByteArray()));
    }

    private int endAllBut(String user, byte[] keepToken) {
        int ended = 0;
        for (UserSession s : ofUser(user)) {
            if (!Arrays.equals(s.token(), keepToken)) {
                end(s.token(), s.session());
                ended++;
            }
        }
        return ended;
    }
}
