package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.RegisterUser;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.LogEntry;

class StorageCheckTest {

    @TempDir
    Path dataDir;

    private ChatStateMachine state;
    private final List<FatalError> reported = new ArrayList<>();

    @BeforeEach
    void stateWithOneSnapshot() {
        state = ChatStateMachine.open(dataDir.resolve("state"));
        state.applyBatch(IntStream.rangeClosed(1, 500).mapToObj(i -> new LogEntry(i, Command.newBuilder().setLeaderTimeMs(1_000 + i)
                .setRegisterUser(RegisterUser.newBuilder().setUsername("user" + i).setPasswordHash("hash-" + i)).build().toByteArray()))
                .toList());
        state.checkpointTo(snapshotState());
    }

    @AfterEach
    void close() {
        state.close();
    }

    @Test
    void intactStoresPass() {
        assertThat(check().run()).isTrue();
        assertThat(reported).isEmpty();
    }

    @Test
    void aFlippedByteInASnapshotTableIsReportedAsCorruptData() throws IOException {
        // Snapshot tables are hard links to the state's: one flipped byte damages both, as on a real disk.
        Path table = firstTable(snapshotState());
        flip(table, 100);

        assertThat(check().run()).isFalse();

        assertThat(reported).hasSize(1);
        assertThat(reported.get(0).dataCorrupt()).isTrue();
        assertThat(reported.get(0).reason()).contains(snapshotState().toString()).contains("checksum mismatch");
    }

    @Test
    void aSnapshotThatCannotBeOpenedIsCorruptToo() throws IOException {
        Files.writeString(snapshotState().resolve("CURRENT"), "MANIFEST-999999\n");

        assertThat(check().run()).isFalse();

        assertThat(reported).singleElement().satisfies(e -> assertThat(e.dataCorrupt()).isTrue());
    }

    @Test
    void corruptionIsToldApartFromOtherStorageErrors() {
        var corruption = new org.rocksdb.RocksDBException("bad block",
                new org.rocksdb.Status(org.rocksdb.Status.Code.Corruption, org.rocksdb.Status.SubCode.None, "block checksum mismatch"));
        var noSpace = new org.rocksdb.RocksDBException("no space",
                new org.rocksdb.Status(org.rocksdb.Status.Code.IOError, org.rocksdb.Status.SubCode.NoSpace, "No space left on device"));

        assertThat(FatalError.fromException(new IllegalStateException("apply failed", corruption)).dataCorrupt()).isTrue();
        assertThat(FatalError.fromException(new IllegalStateException("apply failed", noSpace)).dataCorrupt()).isFalse();
        assertThat(FatalError.fromRaftStatus("Status[EIO<1014>: Corruption: block checksum mismatch]").dataCorrupt()).isTrue();
        assertThat(FatalError.fromRaftStatus("Status[EIO<1014>: IO error: No space left on device]").dataCorrupt()).isFalse();
    }

    private StorageCheck check() {
        return new StorageCheck(state, dataDir.resolve("raft/log"), dataDir.resolve("raft/snapshot"), reported::add);
    }

    private Path snapshotState() {
        return dataDir.resolve("raft/snapshot/snapshot_500").resolve(ChatFsm.SNAPSHOT_SUBDIR);
    }

    private static Path firstTable(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".sst")).sorted().findFirst().orElseThrow();
        }
    }

    private static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int old = f.read();
            f.seek(offset);
            f.write(old ^ 0xFF);
        }
    }
}
