package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/** What one apply batch sees: its own writes over the stored state, for point reads and for scans. */
class BatchStoreTest {

    @TempDir
    Path dir;

    private Options options;
    private RocksDB db;
    private ReadOptions readOptions;
    private BatchStore store;

    @BeforeEach
    void open() throws RocksDBException {
        RocksDB.loadLibrary();
        options = new Options().setCreateIfMissing(true);
        db = RocksDB.open(options, dir.toString());
        for (String key : List.of("a1", "a3", "a5", "a7", "b1")) {
            db.put(bytes(key), bytes("stored " + key));
        }
        readOptions = new ReadOptions();
        store = new BatchStore(db, readOptions, new ApplyCache());
    }

    @AfterEach
    void close() {
        readOptions.close();
        db.close();
        options.close();
    }

    @Test
    void pointReadsSeeTheBatchsLastWriteThenTheStoredState() {
        // Goal: a read sees the batch's last write of a key, a delete in the batch hides a stored key, and
        // keys the batch did not touch come from the database.
        store.put(bytes("a1"), bytes("first"));
        store.put(bytes("a1"), bytes("second"));
        store.delete(bytes("a3"));
        store.put(bytes("a4"), bytes("new"));
        store.delete(bytes("a4"));
        store.put(bytes("a4"), bytes("again"));

        assertThat(text(store.get(bytes("a1")))).isEqualTo("second");
        assertThat(store.get(bytes("a3"))).isNull();
        assertThat(text(store.get(bytes("a4")))).isEqualTo("again");
        assertThat(text(store.get(bytes("a5")))).isEqualTo("stored a5");
        assertThat(store.get(bytes("a9"))).isNull();
    }

    @Test
    void scansMergeTheBatchIntoTheStoredKeysInOrder() {
        // Goal: a scan walks stored and batch keys as one ordered set: new keys in place, a rewritten key once
        // with the batch's value, a deleted key not at all; it stops at the end of the prefix.
        store.put(bytes("a2"), bytes("new a2"));
        store.put(bytes("a5"), bytes("rewritten a5"));
        store.delete(bytes("a3"));
        store.put(bytes("a8"), bytes("new a8"));
        store.delete(bytes("a9")); // never stored: a delete of nothing shows nothing
        store.put(bytes("c1"), bytes("another prefix"));

        List<String> seen = new ArrayList<>();
        store.scan(bytes("a"), bytes("a"), (key, value) -> seen.add(text(key) + "=" + text(value)));

        assertThat(seen).containsExactly("a1=stored a1", "a2=new a2", "a5=rewritten a5", "a7=stored a7", "a8=new a8");
        assertThat(store.keysWithPrefix(bytes("a"))).extracting(BatchStoreTest::text).containsExactly("a1", "a2", "a5", "a7", "a8");
    }

    @Test
    void limitsCountOnlyTheKeysThatAreThere() {
        // Goal: a bounded scan returns the first live keys; deleted keys neither show nor use up the limit,
        // and a range ends before its upper bound.
        store.delete(bytes("a1"));
        store.delete(bytes("a3"));
        store.put(bytes("a6"), bytes("new a6"));

        assertThat(store.keysWithPrefix(bytes("a"), 2)).extracting(BatchStoreTest::text).containsExactly("a5", "a6");
        assertThat(store.keysInRange(bytes("a"), bytes("a7"), 10)).extracting(BatchStoreTest::text).containsExactly("a5", "a6");
        assertThat(store.keysInRange(bytes("a6"), bytes("b2"), 10)).extracting(BatchStoreTest::text).containsExactly("a6", "a7", "b1");
    }

    @Test
    void theWrittenBatchHasOneOperationPerKeyAndLeavesTheStateAsTheBatchSawIt() throws RocksDBException {
        // Goal: what the batch commits is one put or delete per key it touched (however often), and after the
        // write the database reads exactly as the batch did.
        for (int i = 0; i < 64; i++) {
            store.put(bytes("counter"), bytes(Integer.toString(i)));
        }
        store.delete(bytes("a1"));
        store.put(bytes("a2"), bytes("new a2"));

        try (WriteBatch batch = store.toWriteBatch(); WriteOptions write = new WriteOptions()) {
            assertThat(batch.count()).isEqualTo(3);
            db.write(write, batch);
        }

        assertThat(text(db.get(bytes("counter")))).isEqualTo("63");
        assertThat(db.get(bytes("a1"))).isNull();
        assertThat(text(db.get(bytes("a2")))).isEqualTo("new a2");
        assertThat(new BatchStore(db, readOptions, new ApplyCache()).keysWithPrefix(bytes("a"))).extracting(BatchStoreTest::text)
                .containsExactly("a2", "a3", "a5", "a7");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
