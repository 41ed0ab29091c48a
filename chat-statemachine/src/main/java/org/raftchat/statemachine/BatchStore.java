package org.raftchat.statemachine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/**
 * The state as one apply batch sees it: every read goes through the batch to the database, so it
 * sees the writes of earlier entries of the batch; every write goes into the batch only (the state
 * machine commits it whole, or drops it). A storage failure is a {@link StateMachineException}.
 */
final class BatchStore implements StateReader {

    private final RocksDB db;
    private final WriteBatchWithIndex batch;
    private final ReadOptions readOptions;
    /** Whether this batch wrote or deleted a session record (see {@link SessionCache}). */
    private boolean wroteSessions;

    BatchStore(RocksDB db, WriteBatchWithIndex batch, ReadOptions readOptions) {
        this.db = db;
        this.batch = batch;
        this.readOptions = readOptions;
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return batch.getFromBatchAndDB(db, readOptions, key);
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB read failed during apply", e);
        }
    }

    void put(byte[] key, byte[] value) {
        noteWrite(key);
        try {
            batch.put(key, value);
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB batch put failed during apply", e);
        }
    }

    void delete(byte[] key) {
        noteWrite(key);
        try {
            batch.delete(key);
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB batch delete failed during apply", e);
        }
    }

    /** Whether this batch wrote or deleted a session record. */
    boolean wroteSessions() {
        return wroteSessions;
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

    /** Collected before the caller acts on them: a batch's iterator must not see the batch change under it. */
    private List<byte[]> keys(byte[] from, Predicate<byte[]> within, int max) {
        List<byte[]> keys = new ArrayList<>();
        iterate(from, within, max, false, (key, value) -> keys.add(key));
        return keys;
    }

    /** Visits at most {@code max} entries from {@code from} on while their keys are {@code within}; values (else null) cost a copy each. */
    private void iterate(byte[] from, Predicate<byte[]> within, int max, boolean values, Visitor visitor) {
        int visited = 0;
        try (RocksIterator base = db.newIterator(readOptions);
                RocksIterator it = batch.newIteratorWithBase(base)) {
            for (it.seek(from); it.isValid() && visited < max; it.next(), visited++) {
                byte[] key = it.key();
                if (!within.test(key)) {
                    break;
                }
                visitor.visit(key, values ? it.value() : null);
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB iteration failed during apply", e);
        }
    }
}
