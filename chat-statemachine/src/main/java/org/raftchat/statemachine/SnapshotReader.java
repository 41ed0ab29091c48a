package org.raftchat.statemachine;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/** Reads of the database through read options the caller pins to a snapshot. */
final class SnapshotReader implements StateReader {

    private final RocksDB db;
    private final ReadOptions readOptions;

    SnapshotReader(RocksDB db, ReadOptions readOptions) {
        this.db = db;
        this.readOptions = readOptions;
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return db.get(readOptions, key);
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB read failed", e);
        }
    }

    @Override
    public void scan(byte[] prefix, byte[] from, Visitor visitor) {
        try (RocksIterator it = db.newIterator(readOptions)) {
            for (it.seek(from); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                visitor.visit(it.key(), it.value());
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB iteration failed", e);
        }
    }
}
