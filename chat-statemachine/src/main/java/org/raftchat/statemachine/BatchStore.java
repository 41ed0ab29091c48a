package org.raftchat.statemachine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The state as one apply batch sees it: every read sees the writes of earlier entries of the batch
 * first, then the database; every write goes into the batch only (the state machine commits it
 * whole, or drops it). A storage failure is a {@link StateMachineException}.
 *
 * <p>The batch keeps only the last write of each key, in key order, in a map on the heap. Why not
 * RocksDB's {@code WriteBatchWithIndex}: it keeps every write of a key (a post rewrites its room's
 * seq counter, so a batch of 64 posts wrote it 64 times) and the database then inserted each one
 * into its memtable, in the order apply made them. Inserting each key once and in key order lets
 * the memtable's skip list start each insert next to the previous one; reading the batch's own
 * writes from the heap costs no call into RocksDB. Reads of the committed state go through the
 * {@link ApplyCache}.
 */
final class BatchStore implements StateReader {

    private final RocksDB db;
    private final ReadOptions readOptions;
    private final ApplyCache cache;
    /** Reads the committed state, for the cache's misses; made once per batch, not per read. */
    private final Function<byte[], byte[]> stored = this::stored;
    /** The last write of each key, in unsigned key order; a null value is a delete. */
    private final TreeMap<byte[], byte[]> writes = new TreeMap<>(Arrays::compareUnsigned);
    /** Whether this batch wrote or deleted a session record (see {@link SessionCache}). */
    private boolean wroteSessions;

    BatchStore(RocksDB db, ReadOptions readOptions, ApplyCache cache) {
        this.db = db;
        this.readOptions = readOptions;
        this.cache = cache;
    }

    @Override
    public byte[] get(byte[] key) {
        if (writes.containsKey(key)) {
            return writes.get(key);
        }
        return cache.get(key, stored);
    }

    private byte[] stored(byte[] key) {
        try {
            return db.get(readOptions, key);
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB read failed during apply", e);
        }
    }

    void put(byte[] key, byte[] value) {
        noteWrite(key);
        writes.put(key, value);
    }

    void delete(byte[] key) {
        noteWrite(key);
        writes.put(key, null);
    }

    /** Whether this batch wrote or deleted a session record. */
    boolean wroteSessions() {
        return wroteSessions;
    }

    /** The batch as RocksDB writes it: one operation per key, in key order. The caller closes it. */
    WriteBatch toWriteBatch() {
        WriteBatch batch = new WriteBatch();
        try {
            for (Map.Entry<byte[], byte[]> write : writes.entrySet()) {
                if (write.getValue() == null) {
                    batch.delete(write.getKey());
                } else {
                    batch.put(write.getKey(), write.getValue());
                }
            }
            return batch;
        } catch (RocksDBException e) {
            batch.close();
            throw new StateMachineException("cannot build the RocksDB write batch", e);
        }
    }

    /** Tells the cache what the batch wrote, once RocksDB has it. */
    void committed() {
        writes.forEach(cache::committed);
    }

    private void noteWrite(byte[] key) {
        if (key.length > 0 && key[0] == Keys.SESSION) {
            wroteSessions = true;
        }
    }

    /** Every key starting with {@code prefix}, in key order. */
    List<byte[]> keysWithPrefix(byte[] prefix) {
        return keysWithPrefix(prefix, Integer.MAX_VALUE);
    }

    /** The first {@code limit} keys starting with {@code prefix}, in key order. */
    List<byte[]> keysWithPrefix(byte[] prefix, int limit) {
        return keys(prefix, key -> Keys.startsWith(key, prefix), limit);
    }

    /** The keys in [{@code from}, {@code to}), in key order, at most {@code max} of them. */
    List<byte[]> keysInRange(byte[] from, byte[] to, int max) {
        return keys(from, key -> Arrays.compareUnsigned(key, to) < 0, max);
    }

    @Override
    public void scan(byte[] prefix, byte[] from, Visitor visitor) {
        iterate(from, key -> Keys.startsWith(key, prefix), Integer.MAX_VALUE, true, visitor);
    }

    /** Collected before the caller acts on them: the batch must not change under its own iteration. */
    private List<byte[]> keys(byte[] from, Predicate<byte[]> within, int max) {
        List<byte[]> keys = new ArrayList<>();
        iterate(from, within, max, false, (key, value) -> keys.add(key));
        return keys;
    }

    /**
     * Visits at most {@code max} live entries from {@code from} on while their keys are
     * {@code within}: the database's and the batch's merged in key order, the batch's write winning
     * on an equal key and its deletes hiding the key. Values (else null) cost a copy each.
     */
    private void iterate(byte[] from, Predicate<byte[]> within, int max, boolean values, Visitor visitor) {
        Iterator<Map.Entry<byte[], byte[]>> own = writes.tailMap(from, true).entrySet().iterator();
        Map.Entry<byte[], byte[]> ownNext = own.hasNext() ? own.next() : null;
        int visited = 0;
        try (RocksIterator stored = db.newIterator(readOptions)) {
            stored.seek(from);
            while (visited < max && (stored.isValid() || ownNext != null)) {
                byte[] storedKey = stored.isValid() ? stored.key() : null;
                int order = storedKey == null ? 1 : ownNext == null ? -1 : Arrays.compareUnsigned(storedKey, ownNext.getKey());
                byte[] key;
                byte[] value;
                if (order < 0) {
                    key = storedKey;
                    value = values ? stored.value() : null;
                    stored.next();
                } else {
                    key = ownNext.getKey();
                    value = ownNext.getValue();
                    if (order == 0) {
                        stored.next();
                    }
                    ownNext = own.hasNext() ? own.next() : null;
                }
                if (!within.test(key)) {
                    break;
                }
                if (order < 0 || value != null) {
                    visitor.visit(key, values ? value : null);
                    visited++;
                }
            }
            stored.status();
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB iteration failed during apply", e);
        }
    }
}
