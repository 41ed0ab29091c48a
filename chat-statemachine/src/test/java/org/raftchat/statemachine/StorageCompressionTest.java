package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.TableProperties;

/** The state's tables: flushes stay uncompressed, compactions write LZ4 (see {@code ChatStateMachine.dbOptions}). */
class StorageCompressionTest {

    @TempDir
    Path dir;

    @Test
    void flushedTablesAreUncompressedAndCompactedOnesAreLz4() throws Exception {
        try (LRUCache cache = ChatStateMachine.blockCache(); Options options = ChatStateMachine.dbOptions(cache); RocksDB db = RocksDB.open(options, dir.toString())) {
            for (int i = 0; i < 2_000; i++) {
                db.put(("key-" + i).getBytes(StandardCharsets.UTF_8), "a chat message, compressible text ".repeat(8).getBytes(StandardCharsets.UTF_8));
            }
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                db.flush(flush);
            }
            assertThat(compressions(db)).containsOnly("NoCompression");

            db.compactRange();
            assertThat(compressions(db)).containsOnly("LZ4");
        }
    }

    private static Iterable<String> compressions(RocksDB db) throws Exception {
        Map<String, TableProperties> tables = db.getPropertiesOfAllTables();
        assertThat(tables).isNotEmpty();
        return tables.values().stream().map(TableProperties::getCompressionName).toList();
    }
}
