package org.raftchat.statemachine;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import org.raftchat.proto.v1.StoredSession;

/**
 * The sessions that calls presented lately, as the applied state last held them, so that
 * authenticating a call is a map lookup instead of a RocksDB snapshot and read on the node's event
 * loop. Exact: every applied batch that writes a session key moves the version on before its callers
 * are answered, and so does every open or restore; an entry stored at an older version is never used.
 * A lookup that read the version before a batch landed began before that batch's callers were
 * answered, so seeing the state before the batch is what a read concurrent with it may see.
 *
 * <p>Only sessions found in the state are kept (a forged token adds nothing), at most
 * {@link #MAX_ENTRIES}; a full cache starts over. Lifetimes are checked by the caller at each use,
 * against the latest applied leader time.
 */
final class SessionCache {

    static final int MAX_ENTRIES = 65_536;

    private final ConcurrentHashMap<ByteBuffer, Entry> entries = new ConcurrentHashMap<>();
    /** Written by the applying thread (and restore) only, under the state machine's writer lock. */
    private volatile long version;

    /** Read before the lookup in the state, and passed back to {@link #put}. */
    long version() {
        return version;
    }

    /** The session stored for this token digest at {@code atVersion}, or null if not cached at that version. */
    StoredSession get(byte[] tokenSha256, long atVersion) {
        Entry entry = entries.get(ByteBuffer.wrap(tokenSha256));
        return entry != null && entry.version() == atVersion ? entry.session() : null;
    }

    void put(byte[] tokenSha256, StoredSession session, long atVersion) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(ByteBuffer.wrap(tokenSha256.clone()), new Entry(session, atVersion));
    }

    /** After a batch that wrote a session key is written, before its callers are answered; and on (re)open. */
    void invalidate() {
        version++;
        entries.clear();
    }

    private record Entry(StoredSession session, long version) {}
}
