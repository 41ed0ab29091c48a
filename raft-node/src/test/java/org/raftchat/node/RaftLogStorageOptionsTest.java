package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage;
import com.alipay.sofa.jraft.util.StorageOptionsFactory;
import org.junit.jupiter.api.Test;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

class RaftLogStorageOptionsTest {

    @Test
    void theLogOpensWithBoundedMemtablesAndWriteAheadFilesAndRegisteringTwiceIsHarmless() {
        RaftLogStorageOptions.register();
        RaftLogStorageOptions.register();

        // What RocksDBLogStorage asks for when it opens (no per-group options: the key is the class alone).
        try (ColumnFamilyOptions options = StorageOptionsFactory.getRocksDBColumnFamilyOptions(null, RocksDBLogStorage.class)) {
            assertThat(options.writeBufferSize()).isEqualTo(RaftLogStorageOptions.WRITE_BUFFER_BYTES);
            assertThat(options.maxWriteBufferNumber()).isEqualTo(RaftLogStorageOptions.MAX_WRITE_BUFFERS);
            assertThat(options.minWriteBufferNumberToMerge()).isEqualTo(1);
        }
        try (DBOptions options = StorageOptionsFactory.getRocksDBOptions(null, RocksDBLogStorage.class)) {
            assertThat(options.maxTotalWalSize()).isEqualTo(RaftLogStorageOptions.MAX_WAL_BYTES);
        }
    }
}
