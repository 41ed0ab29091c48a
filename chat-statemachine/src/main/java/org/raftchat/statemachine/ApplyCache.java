package org.raftchat.statemachine;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The committed values of the small keys apply reads for nearly every command, so that a post's
 * checks and counters are map lookups instead of RocksDB reads: whether its room exists, whether its
 * author is a member (or banned), the conversation's seq counter, the author's read position, and
 * whether the room is a work queue, and when idempotency records were last pruned (read by the
 * first keyed command of every batch, written about once a second). Absent keys are remembered too
 * (most authors have no read position to move, most rooms are no queue).
 *
 * <p>Exact: an entry is filled only from a read of the committed state, every committed write of a
 * kind it holds replaces that key's entry, and a restore empties it (see {@link ChatStateMachine}).
 * Apply is its only user, on one thread under the writer lock. At most {@link #MAX_ENTRIES}; a full
 * cache starts over, as the session cache does.
 */
final class ApplyCache {

    static final int MAX_ENTRIES = 65_536;
    /** A key known to be absent; compared by identity, since stored values may be empty arrays too. */
    private static final byte[] ABSENT = new byte[0];

    private final Map<ByteBuffer, byte[]> values = new HashMap<>();

    /** Whether keys of this kind are kept: the ones read per command, each small and bounded in number. */
    static boolean holds(byte[] key) {
        if (key.length == 0) {
            return false;
        }
        return switch (key[0]) {
            case Keys.ROOM, Keys.MEMBER, Keys.BAN, Keys.COUNTER, Keys.READ_POSITION, Keys.QUEUE -> true;
            // A RocksDB read per entry on every replica otherwise: 11% of a follower's apply at 1 write in flight.
            case Keys.META -> Arrays.equals(key, Keys.IDEMPOTENCY_PRUNED_MS);
            default -> false;
        };
    }

    /** The committed value of {@code key} (null if absent), from here or else from {@code stored}, which is then kept. */
    byte[] get(byte[] key, Function<byte[], byte[]> stored) {
        if (!holds(key)) {
            return stored.apply(key);
        }
        byte[] cached = values.get(ByteBuffer.wrap(key));
        if (cached != null) {
            return cached == ABSENT ? null : cached;
        }
        byte[] value = stored.apply(key);
        remember(key, value);
        return value;
    }

    /** A write just committed to the state: {@code value} is the key's value now (null: deleted). */
    void committed(byte[] key, byte[] value) {
        if (holds(key)) {
            remember(key, value);
        }
    }

    /** The state was replaced (a restore): nothing known here holds any more. */
    void clear() {
        values.clear();
    }

    private void remember(byte[] key, byte[] value) {
        if (values.size() >= MAX_ENTRIES) {
            values.clear();
        }
        values.put(ByteBuffer.wrap(key), value == null ? ABSENT : value);
    }
}
