package org.raftchat.statemachine;

import java.util.Arrays;
import org.raftchat.proto.v1.AddFriend;
import org.raftchat.proto.v1.Heartbeat;
import org.raftchat.proto.v1.PresenceTick;
import org.raftchat.proto.v1.RemoveFriend;
import org.raftchat.proto.v1.StoredSession;

/**
 * Presence and friends. A session is online from its login or latest heartbeat until a presence
 * tick (proposed by the leader with its time) finds it silent for longer than the tick's timeout.
 * Heartbeats of online sessions reach the log batched in the leader's next tick, seen at its time.
 * A user is online while any of their sessions is. A session that goes offline stops consuming work queues.
 */
final class PresenceCommands {

    private final BatchStore store;
    private final StateView view;
    private final QueueCommands queues;

    PresenceCommands(BatchStore store, StateView view, QueueCommands queues) {
        this.store = store;
        this.view = view;
        this.queues = queues;
    }

    /**
     * The presence rule, one for the leader choosing whom to name in a tick and for apply: an online
     * session is silent at leader time {@code nowMs} when it was last seen (logged in, or a heartbeat)
     * more than {@code timeoutMs} before.
     */
    static boolean silentAt(StoredSession session, long nowMs, long timeoutMs) {
        return session.getOnline() && session.getLastSeenMs() < nowMs - timeoutMs;
    }

    ApplyResult heartbeat(long timestampMs, Heartbeat body) {
        return seen(timestampMs, body.getTokenSha256().toByteArray());
    }

    /** The session is online, last seen at {@code timestampMs}; refused if it has ended or expired. */
    private ApplyResult seen(long timestampMs, byte[] tokenSha256) {
        byte[] key = Keys.session(tokenSha256);
        byte[] value = store.get(key);
        if (value == null) {
            return Refusals.sessionEnded();
        }
        StoredSession session = StoredValues.decodeSession(value);
        if (SessionLifetimes.expiredAt(session, timestampMs)) {
            // Past its lifetime: a heartbeat must not revive it; the leader's next expiry command ends it.
            return new ApplyResult.Rejected(Rejection.SESSION_NOT_FOUND, "the session has expired: log in again");
        }
        store.put(key, session.toBuilder().setLastSeenMs(timestampMs).setOnline(true).build().toByteArray());
        return new ApplyResult.PresenceUpdated(1);
    }

    /** Scans every session: O(sessions) per tick, fine for thousands; an index by last-seen time would scale further. */
    ApplyResult tick(long timestampMs, PresenceTick body) {
        // Heartbeats the leader batched: a session that ended since is simply skipped.
        for (var token : body.getSeenTokenSha256List()) {
            seen(timestampMs, token.toByteArray());
        }
        int wentOffline = 0;
        for (var token : body.getOfflineTokenSha256List()) {
            byte[] key = Keys.session(token.toByteArray());
            byte[] value = store.get(key);
            if (value != null && goOffline(key, StoredValues.decodeSession(value))) {
                wentOffline++;
            }
        }
        if (body.getOfflineAfterMs() > 0) {
            wentOffline += offlineSilentAt(timestampMs, body.getOfflineAfterMs());
        }
        return new ApplyResult.PresenceUpdated(wentOffline);
    }

    /** Ticks written before the leader named silent sessions: a scan by stored time, O(sessions). */
    private int offlineSilentAt(long nowMs, long timeoutMs) {
        int wentOffline = 0;
        byte[] prefix = {Keys.SESSION};
        for (byte[] key : store.keysWithPrefix(prefix)) {
            StoredSession session = StoredValues.decodeSession(store.get(key));
            if (silentAt(session, nowMs, timeoutMs) && goOffline(key, session)) {
                wentOffline++;
            }
        }
        return wentOffline;
    }

    private boolean goOffline(byte[] key, StoredSession session) {
        if (!session.getOnline()) {
            return false;
        }
        store.put(key, session.toBuilder().setOnline(false).build().toByteArray());
        // A silent consumer is a disconnected one: its unacknowledged work goes to the others.
        queues.sessionEnded(Arrays.copyOfRange(key, 1, key.length));
        return true;
    }

    ApplyResult addFriend(AddFriend body) {
        return view.knownUser(body.getUser()).and(() -> view.knownUser(body.getFriend())).then(() -> {
            store.put(Keys.friend(body.getUser(), body.getFriend()), new byte[0]);
            return new ApplyResult.FriendshipChanged(body.getUser(), body.getFriend(), true);
        });
    }

    ApplyResult removeFriend(RemoveFriend body) {
        store.delete(Keys.friend(body.getUser(), body.getFriend()));
        return new ApplyResult.FriendshipChanged(body.getUser(), body.getFriend(), false);
    }
}
