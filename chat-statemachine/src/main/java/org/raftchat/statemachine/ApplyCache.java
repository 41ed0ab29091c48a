package org.raftchat.statemachine;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What apply read from RocksDB, kept in memory across batches, so the keys every post reads (its
 * room, the author's membership and read position, the seq counter) cost a hash lookup instead of a
 * RocksDB point read through JNI. It holds exactly what the database holds for each key it has
 * (absent keys included): a key enters when apply reads it from the database, and after a batch is
 * written every cached key the batch wrote is updated. A batch that is not written leaves it as it
 * was, a restore or reopen empties it. So a read through it returns what the database would, and
 * apply stays a function of the stored state and the entries.
 *
 * <p>Bounded, least recently used out first. Apply thread only (under the state machine's writer lock).
 */
final class ApplyCache {

    /** Stands for "no such key in the database"; compared by identity. */
    private static final byte[] ABSENT = new byte[0];

    private final Map<ByteBuffer, byte[]> entries;

    ApplyCache(int maxEntries) {
        this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, byte[]> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** Whether the key is known here; then {@link #value} gives its value. */
    boolean contains(ByteBuffer key) {
        return entries.containsKey(key);
    }

    /** The cached value, null when the database has no such key (or when it is not cached: see {@link #contains}). */
    byte[] value(ByteBuffer key) {
        byte[] value = entries.get(key);
        return value == ABSENT ? null : value;
    }

    /** Records what the database holds for the key (null: absent). */
    void remember(ByteBuffer key, byte[] value) {
        entries.put(key, value == null ? ABSENT : value);
    }

    /** After a batch was written: the new value (null: deleted) of each key it wrote that is cached. */
    void written(ByteBuffer key, byte[] value) {
        entries.computeIfPresent(key, (k, old) -> value == null ? ABSENT : value);
    }

    void clear() {
        entries.clear();
    }

    int size() {
        return entries.size();
    }
}
