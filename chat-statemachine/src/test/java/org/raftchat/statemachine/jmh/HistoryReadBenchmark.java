package org.raftchat.statemachine.jmh;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.CreateRoom;
import org.raftchat.proto.v1.OpenSession;
import org.raftchat.proto.v1.PostRoomMessage;
import org.raftchat.proto.v1.RegisterUser;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.HistoryQuery;
import org.raftchat.statemachine.LogEntry;
import org.raftchat.statemachine.ReadableHistory;

/**
 * The time {@link ChatStateMachine#readableHistory} takes for the newest {@code pageSize} messages
 * of a room, the read a follower serves for each history call once its read barrier passed: the
 * session check, the access check and the page, from one snapshot of RocksDB in a temp directory.
 * The rooms hold {@value #POSTS_PER_ROOM} posts each, written interleaved as a busy log writes them;
 * with {@code flushed} they are read from table files, otherwise from the memtable.
 *
 * <p>Run: {@code scripts/bench.sh --jmh -- HistoryRead}. The nodes run C1 only; add
 * {@code -jvmArgsAppend -XX:TieredStopAtLevel=1} to measure what they run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider", "-Dslf4j.internal.verbosity=WARN"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class HistoryReadBenchmark {

    private static final int ROOMS = 8;
    private static final int POSTS_PER_ROOM = 2_000;
    private static final String USER = "jmh";
    private static final ByteString TOKEN_SHA256 = ByteString.copyFromUtf8("jmh-token-digest");

    @Param({"50"})
    int pageSize;

    @Param({"false", "true"})
    boolean flushed;

    private Path dir;
    private ChatStateMachine machine;
    private ConversationRef room;
    private byte[] tokenSha256;
    private HistoryQuery query;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        dir = Files.createTempDirectory("raftchat-jmh-history");
        machine = ChatStateMachine.open(dir.resolve("db"));
        long index = 1;
        List<LogEntry> setup = new ArrayList<>();
        setup.add(entry(index++, Command.newBuilder().setRegisterUser(RegisterUser.newBuilder().setUsername(USER).setPasswordHash("x"))));
        setup.add(entry(index++, Command.newBuilder().setOpenSession(OpenSession.newBuilder()
                .setUsername(USER).setDeviceId("bench").setTokenSha256(TOKEN_SHA256))));
        for (int r = 0; r < ROOMS; r++) {
            setup.add(entry(index++, Command.newBuilder().setCreateRoom(CreateRoom.newBuilder().setRoom(room(r)).setCreator(USER))));
        }
        machine.applyBatch(setup);
        String text = "x".repeat(256);
        for (int p = 0; p < POSTS_PER_ROOM; p++) {
            List<LogEntry> batch = new ArrayList<>(ROOMS);
            for (int r = 0; r < ROOMS; r++) {
                batch.add(entry(index++, Command.newBuilder().setIdempotencyKey("jmh-" + index)
                        .setPostRoomMessage(PostRoomMessage.newBuilder().setRoom(room(r)).setAuthor(USER).setText(text))));
            }
            machine.applyBatch(batch);
        }
        if (flushed) {
            // A checkpoint flushes the memtables first: the messages are then read from table files.
            machine.checkpointTo(dir.resolve("checkpoint"));
        }
        room = ConversationRef.newBuilder().setRoom(room(ROOMS / 2)).build();
        tokenSha256 = TOKEN_SHA256.toByteArray();
        query = new HistoryQuery.Latest(pageSize);
    }

    @Benchmark
    public ReadableHistory latestPage() {
        return machine.readableHistory(room, tokenSha256, USER, query);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        machine.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static LogEntry entry(long index, Command.Builder command) {
        return new LogEntry(index, command.setLeaderTimeMs(index).build().toByteArray());
    }

    private static String room(int r) {
        return "bench-" + r;
    }
}
