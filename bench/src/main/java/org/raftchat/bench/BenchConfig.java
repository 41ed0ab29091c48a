package org.raftchat.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * What one {@code raftchat bench} run does. Validated here, so the run itself never meets a
 * nonsensical value.
 *
 * @param addresses       the nodes' client API addresses (any order; the leader is found)
 * @param shape           open loop (fixed rate) or closed loop (fixed number in flight)
 * @param ratePerSec      open loop: messages per second, all rooms together
 * @param inFlight        closed loop: writes kept outstanding
 * @param duration        the measured window
 * @param warmup          load before the measured window, not recorded
 * @param rooms           rooms written round-robin ({@link #roomNames()}), created if missing
 * @param messageBytes    the size of each message text (ASCII, so bytes = characters)
 * @param subscribers     subscriptions on followers timing post → delivery
 * @param readers         readers of the newest {@link #READ_PAGE} messages on followers
 * @param readRatePerSec  all readers together, reads per second (open loop)
 * @param outputDir       where result.json, the .hlog files and percentiles.svg go
 * @param onlineSessions  extra users only heartbeating (an idle chat window each)
 * @param soakRow         per-row figures (p99s, memory, disk) for every row of this length; null: none
 * @param runDir          a raftchat-dev run dir naming the node processes (server CPU, memory, disk); null: not measured
 */
public record BenchConfig(List<String> addresses, LoadShape shape, int ratePerSec, int inFlight, Duration duration,
                          Duration warmup, int rooms, int messageBytes, int subscribers, int readers, int readRatePerSec,
                          Path outputDir, int onlineSessions, Duration soakRow, Path runDir) {

    /** The page a reader asks for: the newest 50 messages of a room. */
    public static final int READ_PAGE = 50;
    /** Room names are {@code bench-0}, {@code bench-1}, ...: shared by runs, so a suite reuses them. */
    public static final String ROOM_PREFIX = "bench-";

    static final int MAX_RATE_PER_SEC = 1_000_000;
    static final int MAX_IN_FLIGHT = 10_000;
    static final int MAX_ROOMS = 1_000;
    static final int MAX_STREAMS = 1_000;
    /** Room of the {@link MessageText} header; below this a text cannot carry its timestamp. */
    static final int MIN_MESSAGE_BYTES = MessageText.MAX_HEADER_BYTES;
    /** Under the default 64 KiB inbound gRPC limit with room for the other fields. */
    static final int MAX_MESSAGE_BYTES = 60 * 1024;
    static final Duration MAX_DURATION = Duration.ofHours(24);
    static final int MAX_ONLINE_SESSIONS = 100_000;
    static final Duration MIN_SOAK_ROW = Duration.ofSeconds(1);

    public BenchConfig {
        Objects.requireNonNull(addresses, "addresses");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(outputDir, "outputDir");
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("addresses: at least one node is required");
        }
        requireIn("--rate", ratePerSec, 1, MAX_RATE_PER_SEC);
        requireIn("--in-flight", inFlight, 1, MAX_IN_FLIGHT);
        requireIn("--rooms", rooms, 1, MAX_ROOMS);
        requireIn("--message-bytes", messageBytes, MIN_MESSAGE_BYTES, MAX_MESSAGE_BYTES);
        requireIn("--subscribers", subscribers, 0, MAX_STREAMS);
        requireIn("--readers", readers, 0, MAX_STREAMS);
        requireIn("--read-rate", readRatePerSec, 1, MAX_RATE_PER_SEC);
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("--duration: must be > 0 and <= 24h, got " + DurationText.format(duration));
        }
        if (warmup.isNegative() || warmup.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("--warmup: must be >= 0 and <= 24h, got " + DurationText.format(warmup));
        }
        requireIn("--online-sessions", onlineSessions, 0, MAX_ONLINE_SESSIONS);
        if (soakRow != null && (soakRow.compareTo(MIN_SOAK_ROW) < 0 || soakRow.compareTo(duration) > 0)) {
            throw new IllegalArgumentException("--soak-row: must be >= 1s and <= the measured window ("
                    + DurationText.format(duration) + "), got " + DurationText.format(soakRow));
        }
    }

    /** A plain run: no online sessions, no soak rows, no node processes read. */
    public BenchConfig(List<String> addresses, LoadShape shape, int ratePerSec, int inFlight, Duration duration,
                       Duration warmup, int rooms, int messageBytes, int subscribers, int readers, int readRatePerSec,
                       Path outputDir) {
        this(addresses, shape, ratePerSec, inFlight, duration, warmup, rooms, messageBytes, subscribers, readers,
                readRatePerSec, outputDir, 0, null, null);
    }

    public boolean soak() {
        return soakRow != null;
    }

    public List<String> roomNames() {
        return IntStream.range(0, rooms).mapToObj(i -> ROOM_PREFIX + i).toList();
    }

    /** "open loop, 500 msgs/s" or "closed loop, 16 in flight". */
    public String loadDescription() {
        return shape == LoadShape.OPEN ? "open loop, " + ratePerSec + " msgs/s" : "closed loop, " + inFlight + " in flight";
    }

    /** A short name for directories and tables: "open-500" or "closed-16". */
    public String loadLabel() {
        return shape.label() + "-" + (shape == LoadShape.OPEN ? ratePerSec : inFlight);
    }

    private static void requireIn(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + ": must be in " + min + ".." + max + ", got " + value);
        }
    }
}
