package org.raftchat.statemachine.jmh;

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
import org.raftchat.proto.v1.CreateRoom;
import org.raftchat.proto.v1.PostRoomMessage;
import org.raftchat.statemachine.ApplyResult;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.LogEntry;

/**
 * The time {@link ChatStateMachine#applyBatch} takes for a batch of {@code batchSize}
 * PostRoomMessage entries (decode from the log bytes, per-room seq, idempotency record, one RocksDB
 * WriteBatch with the applied index), over RocksDB in a temp directory. Divide by the batch size for
 * the cost per message; the spread across sizes shows what batching saves.
 *
 * <p>Each call gets fresh entries (new indexes, new idempotency keys, as in a real log), built
 * before the call in a {@link Level#Invocation} setup, so encoding is not measured (see
 * {@link CommandCodecBenchmark}). An apply takes tens of microseconds or more, so the per-call
 * timestamps that level costs stay well below the noise.
 *
 * <p>Run (defaults: 1 fork, 3 warm-up and 3 measured iterations of 1 s): {@code scripts/bench.sh --jmh},
 * or by hand from the repository root:
 * <pre>
 * mvn -q -pl chat-statemachine -am test-compile
 * mvn -q -pl chat-statemachine dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath
 * java -cp chat-statemachine/target/test-classes:chat-statemachine/target/classes:$(cat chat-statemachine/target/jmh.classpath) \
 *     org.openjdk.jmh.Main ApplyBatchBenchmark -p batchSize=64
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider", "-Dslf4j.internal.verbosity=WARN"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class ApplyBatchBenchmark {

    private static final int ROOMS = 4;

    @Param({"1", "16", "256"})
    int batchSize;

    @Param({"256"})
    int messageBytes;

    private Path dir;
    private ChatStateMachine machine;
    private String text;
    private long nextIndex;
    private List<LogEntry> batch;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("raftchat-jmh-apply");
        machine = ChatStateMachine.open(dir.resolve("db"));
        text = "x".repeat(messageBytes);
        List<LogEntry> rooms = new ArrayList<>();
        // The author must be a registered member of the rooms it posts to: it creates them.
        Command register = Command.newBuilder().setLeaderTimeMs(1)
                .setRegisterUser(org.raftchat.proto.v1.RegisterUser.newBuilder().setUsername("jmh").setPasswordHash("x")).build();
        rooms.add(new LogEntry(1, register.toByteArray()));
        for (int r = 0; r < ROOMS; r++) {
            Command create = Command.newBuilder().setIdempotencyKey("room-" + r).setLeaderTimeMs(1)
                    .setCreateRoom(CreateRoom.newBuilder().setRoom(room(r)).setCreator("jmh")).build();
            rooms.add(new LogEntry(r + 2, create.toByteArray()));
        }
        machine.applyBatch(rooms);
        nextIndex = ROOMS + 2;
    }

    /** The next {@code batchSize} entries of the log: consecutive indexes, unique keys, rooms round-robin. */
    @Setup(Level.Invocation)
    public void nextBatch() {
        List<LogEntry> entries = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            long index = nextIndex++;
            Command post = Command.newBuilder().setIdempotencyKey("jmh-" + index).setLeaderTimeMs(index)
                    .setPostRoomMessage(PostRoomMessage.newBuilder().setRoom(room((int) (index % ROOMS))).setAuthor("jmh").setText(text))
                    .build();
            entries.add(new LogEntry(index, post.toByteArray()));
        }
        batch = entries;
    }

    @Benchmark
    public List<ApplyResult> applyBatch() {
        return machine.applyBatch(batch);
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

    private static String room(int r) {
        return "bench-" + r;
    }
}
