package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.conf.ConfigurationManager;
import com.alipay.sofa.jraft.entity.EnumOutter.EntryType;
import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.entity.LogId;
import com.alipay.sofa.jraft.entity.codec.v2.LogEntryV2CodecFactory;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over SOFAJRaft's real RocksDB log, counting the reads that reach it. */
class LastEntryLogStorageTest {

    @TempDir
    Path dir;

    private final AtomicInteger logReads = new AtomicInteger();
    private LastEntryLogStorage storage;

    @BeforeEach
    void open() {
        RocksDBLogStorage rocks = new RocksDBLogStorage(dir.resolve("log").toString(), new RaftOptions()) {
            @Override
            public LogEntry getEntry(long index) {
                logReads.incrementAndGet();
                return super.getEntry(index);
            }
        };
        storage = new LastEntryLogStorage(rocks);
        LogStorageOptions options = new LogStorageOptions();
        options.setGroupId("test");
        options.setConfigurationManager(new ConfigurationManager());
        options.setLogEntryCodecFactory(LogEntryV2CodecFactory.getInstance());
        assertThat(storage.init(options)).isTrue();
    }

    @AfterEach
    void close() {
        storage.shutdown();
    }

    @Test
    void theLastEntryIsReadFromMemoryAndEveryOtherFromTheLog() {
        assertThat(storage.appendEntries(List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 2, "c")))).isEqualTo(3);

        LogEntry last = storage.getEntry(3);
        assertThat(logReads).hasValue(0);
        assertThat(last.getId()).isEqualTo(new LogId(3, 2));
        assertThat(last.getType()).isEqualTo(EntryType.ENTRY_TYPE_DATA);
        assertThat(text(last)).isEqualTo("c");
        assertThat(storage.getTerm(3)).isEqualTo(2);

        assertThat(text(storage.getEntry(2))).isEqualTo("b");
        assertThat(logReads).hasValue(1);

        assertThat(storage.appendEntry(entry(4, 2, "d"))).isTrue();
        assertThat(text(storage.getEntry(4))).isEqualTo("d");
        assertThat(logReads).hasValue(1);
    }

    @Test
    void eachReadGetsItsOwnViewOfTheDataAndTheAppendersBufferDoesNotReachIt() {
        LogEntry appended = entry(1, 1, "hello");
        storage.appendEntry(appended);
        appended.getData().position(appended.getData().limit());
        appended.getId().setTerm(9);

        LogEntry first = storage.getEntry(1);
        first.getData().get(new byte[3]);
        first.getId().setTerm(7);

        LogEntry second = storage.getEntry(1);
        assertThat(text(second)).isEqualTo("hello");
        assertThat(second.getId().getTerm()).isEqualTo(1);
        assertThat(logReads).hasValue(0);
    }

    @Test
    void aTruncatedLastEntryIsForgottenAndItsReplacementKept() {
        storage.appendEntries(List.of(entry(1, 1, "a"), entry(2, 1, "b")));

        assertThat(storage.truncateSuffix(1)).isTrue();
        assertThat(storage.getEntry(2)).isNull();
        assertThat(logReads).hasValue(1);

        storage.appendEntry(entry(2, 3, "B"));
        LogEntry replacement = storage.getEntry(2);
        assertThat(replacement.getId()).isEqualTo(new LogId(2, 3));
        assertThat(text(replacement)).isEqualTo("B");
        assertThat(logReads).hasValue(1);
    }

    @Test
    void aTruncationThatKeepsTheLastEntryKeepsItInMemory() {
        storage.appendEntries(List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "c")));

        storage.truncateSuffix(3);
        storage.truncatePrefix(3);

        assertThat(text(storage.getEntry(3))).isEqualTo("c");
        assertThat(logReads).hasValue(0);
    }

    @Test
    void aResetOrAPrefixTruncationPastTheLastEntryForgetsIt() {
        storage.appendEntries(List.of(entry(1, 1, "a"), entry(2, 1, "b")));
        storage.truncatePrefix(3);
        storage.getEntry(2);
        assertThat(logReads).hasValue(1);

        storage.appendEntry(entry(3, 1, "c"));
        assertThat(storage.reset(10)).isTrue();
        int readsBefore = logReads.get(); // RocksDBLogStorage.reset reads through getEntry itself
        assertThat(storage.getEntry(3)).isNull();
        assertThat(logReads).hasValue(readsBefore + 1);
    }

    @Test
    void aConfigurationEntryKeepsItsPeers() {
        LogEntry configuration = new LogEntry(EntryType.ENTRY_TYPE_CONFIGURATION);
        configuration.setId(new LogId(1, 1));
        Configuration conf = new Configuration();
        assertThat(conf.parse("127.0.0.1:7001,127.0.0.1:7002")).isTrue();
        configuration.setPeers(conf.listPeers());
        storage.appendEntry(configuration);

        LogEntry kept = storage.getEntry(1);
        assertThat(kept.getType()).isEqualTo(EntryType.ENTRY_TYPE_CONFIGURATION);
        assertThat(kept.getPeers()).isEqualTo(conf.listPeers()).isNotSameAs(configuration.getPeers());
        assertThat(logReads).hasValue(0);
    }

    private static LogEntry entry(long index, long term, String text) {
        LogEntry entry = new LogEntry(EntryType.ENTRY_TYPE_DATA);
        entry.setId(new LogId(index, term));
        entry.setData(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        return entry;
    }

    private static String text(LogEntry entry) {
        ByteBuffer data = entry.getData().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
