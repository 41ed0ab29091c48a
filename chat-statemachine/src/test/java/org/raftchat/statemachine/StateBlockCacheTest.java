package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** The state's index and filter blocks sit in its bounded block cache, not beside it in the table readers. */
class StateBlockCacheTest {

    private static final int KEYS = 100_000;

    @TempDir
    Path dir;

    @Test
    void indexAndFilterBlocksAreCachedWithinTheBound() throws Exception {
        try (LRUCache cache = ChatStateMachine.blockCache(); Options options = ChatStateMachine.dbOptions(cache);
                RocksDB db = RocksDB.open(options, dir.toString())) {
            for (int i = 0; i < KEYS; i++) {
                db.put(key(i), "a chat message".getBytes(StandardCharsets.UTF_8));
            }
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                db.flush(flush);
            }
            db.compactRange();
            for (int i = 0; i < KEYS; i += 97) {
                assertThat(db.get(key(i))).isNotNull();
                assertThat(db.get(("absent-" + i).getBytes(StandardCharsets.UTF_8))).isNull();
            }

            // The filter alone is KEYS * 10 bits (125 KB); held by the readers it would count here.
            assertThat(db.getLongProperty("rocksdb.estimate-table-readers-mem")).isLessThan(16 * 1024);
            assertThat(db.getLongProperty("rocksdb.block-cache-capacity")).isEqualTo(ChatStateMachine.BLOCK_CACHE_BYTES);
            assertThat(db.getLongProperty("rocksdb.block-cache-usage"))
                    .isGreaterThan(KEYS * 10L / 8 / 2)
                    .isLessThanOrEqualTo(ChatStateMachine.BLOCK_CACHE_BYTES);
        }
    }

    private static byte[] key(int i) {
        return String.format("m/%08d", i).getBytes(StandardCharsets.UTF_8);
    }
}
