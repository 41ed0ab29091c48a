package org.raftchat.node;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leader's note of the online sessions it heard a heartbeat from since its last presence tick.
 * A heartbeat of an online session changes nothing anyone can see until the session would time out,
 * so it is not proposed on its own: the leader answers it at once and the next tick carries every
 * session heard, seen at the tick's time. Ten thousand sessions heartbeating cost a few entries per
 * tick instead of one command per heartbeat. A leader that loses leadership loses its note; the
 * sessions' next heartbeats reach the new leader well within the presence timeout.
 */
final class HeardSessions {

    /** At most this many sessions in one tick command (32 bytes each: about 128 KiB). */
    static final int MAX_PER_TICK = 4_096;

    private final Set<ByteString> heard = ConcurrentHashMap.newKeySet();

    void heard(byte[] tokenSha256) {
        heard.add(ByteString.copyFrom(tokenSha256));
    }

    boolean isEmpty() {
        return heard.isEmpty();
    }

    /** Takes every session heard so far, in groups of at most {@link #MAX_PER_TICK}; what arrives meanwhile waits for the next call. */
    List<List<ByteString>> drain() {
        List<List<ByteString>> groups = new ArrayList<>();
        List<ByteString> group = new ArrayList<>();
        for (Iterator<ByteString> it = heard.iterator(); it.hasNext(); ) {
            group.add(it.next());
            it.remove();
            if (group.size() == MAX_PER_TICK) {
                groups.add(group);
                group = new ArrayList<>();
            }
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }
}
