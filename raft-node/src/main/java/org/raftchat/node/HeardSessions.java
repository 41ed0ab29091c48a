package org.raftchat.node;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The leader's own view of presence, between its presence ticks, on its monotonic clock.
 *
 * <p>A heartbeat of an online session changes nothing anyone can see until the session would time
 * out, so it is not proposed on its own: the leader answers it at once and its next tick carries
 * every session heard, seen at the tick's time. Ten thousand sessions heartbeating cost a few
 * entries per tick instead of one command per heartbeat.
 *
 * <p>The same note decides who goes offline: a session the log shows silent for the timeout goes
 * offline only if this leader has not heard it for the timeout either, by {@code System.nanoTime},
 * and only once it has led for a whole timeout (so it has heard every live session at least once).
 * A leader whose wall clock is skewed or jumps therefore takes nobody offline early. What a node
 * heard as leader of an earlier term stays in its note: it only ever ages (the next tick may record a
 * session heard then, which at worst keeps it online one timeout longer).
 */
final class HeardSessions {

    /** At most this many sessions in one tick command's list (32 bytes each: about 128 KiB). */
    static final int MAX_PER_TICK = 4_096;

    private final LongSupplier nanoClock;
    /** Heard since the last tick: the next tick's "seen" list. */
    private final Set<ByteString> pending = ConcurrentHashMap.newKeySet();
    private final Map<ByteString, Long> lastHeardNanos = new ConcurrentHashMap<>();
    private long term = -1;
    private long leadingSinceNanos;

    HeardSessions(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** A heartbeat of an online session: noted for the next tick. */
    void heard(byte[] tokenSha256) {
        ByteString token = ByteString.copyFrom(tokenSha256);
        lastHeardNanos.put(token, nanoClock.getAsLong());
        pending.add(token);
    }

    /** A heartbeat that brings a session online (proposed on its own): noted as heard, not for the tick. */
    void heardComingOnline(byte[] tokenSha256) {
        lastHeardNanos.put(ByteString.copyFrom(tokenSha256), nanoClock.getAsLong());
    }

    /**
     * Called before each tick with the node's leader term (-1: not leading); a new term restarts the
     * time it has led. @return whether this node leads, so it should tick
     */
    synchronized boolean leading(long leaderTerm) {
        if (leaderTerm != term) {
            term = leaderTerm;
            leadingSinceNanos = nanoClock.getAsLong();
        }
        return leaderTerm >= 0;
    }

    /** Takes every session heard since the last call, in groups of at most {@link #MAX_PER_TICK}. */
    List<List<ByteString>> drainSeen() {
        List<ByteString> drained = new ArrayList<>();
        for (Iterator<ByteString> it = pending.iterator(); it.hasNext(); ) {
            drained.add(it.next());
            it.remove();
        }
        return inGroups(drained);
    }

    /**
     * Of {@code candidates} (online sessions the log shows silent for the timeout), those this leader
     * has not heard for {@code timeoutNanos} either; none before it has led that long.
     */
    synchronized List<List<ByteString>> silent(List<byte[]> candidates, long timeoutNanos) {
        long now = nanoClock.getAsLong();
        if (term < 0 || now - leadingSinceNanos < timeoutNanos) {
            return List.of();
        }
        // Forget sessions long silent: the note stays as big as the set of live sessions.
        lastHeardNanos.values().removeIf(heardAt -> now - heardAt > 2 * timeoutNanos);
        List<ByteString> silent = new ArrayList<>();
        for (byte[] candidate : candidates) {
            ByteString token = ByteString.copyFrom(candidate);
            Long heardAt = lastHeardNanos.get(token);
            if (heardAt == null || now - heardAt >= timeoutNanos) {
                silent.add(token);
            }
        }
        return inGroups(silent);
    }

    static List<List<ByteString>> inGroups(List<ByteString> tokens) {
        List<List<ByteString>> groups = new ArrayList<>();
        for (int from = 0; from < tokens.size(); from += MAX_PER_TICK) {
            groups.add(List.copyOf(tokens.subList(from, Math.min(tokens.size(), from + MAX_PER_TICK))));
        }
        return groups;
    }
}
