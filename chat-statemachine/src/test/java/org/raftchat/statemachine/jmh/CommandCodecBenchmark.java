package org.raftchat.statemachine.jmh;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.PostRoomMessage;

/**
 * The protobuf cost of one log entry: building and encoding the PostRoomMessage {@link Command}
 * the leader proposes, encoding an already-built one, and decoding it from the log bytes as every
 * replica does. Run like {@link ApplyBatchBenchmark} ({@code scripts/bench.sh --jmh}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class CommandCodecBenchmark {

    @Param({"256", "4096"})
    int messageBytes;

    private String text;
    private long leaderTimeMs;
    private Command command;
    private byte[] encoded;

    @Setup
    public void prepare() {
        text = "x".repeat(messageBytes);
        leaderTimeMs = 1_700_000_000_000L;
        command = build(text, leaderTimeMs);
        encoded = command.toByteArray();
    }

    /** What the leader does per write: a new Command from the request's fields, then its bytes. */
    @Benchmark
    public byte[] buildAndEncode() {
        return build(text, ++leaderTimeMs).toByteArray();
    }

    @Benchmark
    public byte[] encode() {
        return command.toByteArray();
    }

    /** What every replica does per entry before applying it. */
    @Benchmark
    public Command decode() throws InvalidProtocolBufferException {
        return Command.parseFrom(encoded);
    }

    private static Command build(String text, long leaderTimeMs) {
        return Command.newBuilder()
                .setIdempotencyKey("0123456789ab-1234567")
                .setLeaderTimeMs(leaderTimeMs)
                .setPostRoomMessage(PostRoomMessage.newBuilder().setRoom("bench-0").setAuthor("bench").setText(text))
                .build();
    }
}
