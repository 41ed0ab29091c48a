package org.raftchat.cli.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.raftchat.bench.BenchConfig;
import org.raftchat.bench.BenchOutcome;
import org.raftchat.bench.BenchOutputs;
import org.raftchat.bench.BenchRun;
import org.raftchat.bench.DurationText;
import org.raftchat.bench.LoadShape;
import org.raftchat.bench.NodeProcess;
import org.raftchat.bench.ResultTable;
import org.raftchat.bench.SoakTable;
import org.raftchat.cli.ClusterOptions;
import org.raftchat.cli.ExitCodes;
import org.raftchat.client.ChatClientException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code raftchat bench}: load a running cluster through the public API and report commit,
 * delivery and follower-read latency (HdrHistogram), throughput, errors and retries. Prints a
 * table; writes {@code result.json}, one {@code .hlog} per latency and {@code percentiles.svg}
 * to the output directory. {@code raftchat bench summary DIR} tabulates the runs under DIR.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = BenchSummaryCommand.class,
        description = {
                "Benchmark a running cluster: writes to the leader in an open or closed loop, subscribers and "
                        + "linearizable readers on followers.",
                "Open loop times each write from its intended start (no coordinated omission)."})
public final class BenchCommand implements Callable<Integer> {

    static final int SOAK_MINUTES = 30;
    static final int MAX_SOAK_MINUTES = 24 * 60;
    static final Duration SOAK_ROW = Duration.ofMinutes(1);

    @Mixin
    ClusterOptions cluster;

    @Spec
    CommandSpec spec;

    @Option(names = "--mode", paramLabel = "open|closed", defaultValue = "open", converter = ShapeConverter.class,
            description = "open: a fixed rate (--rate); closed: a fixed number in flight (--in-flight). Default: ${DEFAULT-VALUE}.")
    LoadShape shape;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "500", description = "Open loop: messages per second. Default: ${DEFAULT-VALUE}.")
    int ratePerSec;

    @Option(names = "--in-flight", paramLabel = "K", defaultValue = "16", description = "Closed loop: writes outstanding. Default: ${DEFAULT-VALUE}.")
    int inFlight;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "20s", converter = DurationConverter.class,
            description = "The measured window (20s, 500ms, 2m). Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "5s", converter = DurationConverter.class,
            description = "Load before measuring, not recorded. Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(names = "--rooms", paramLabel = "M", defaultValue = "4",
            description = "Rooms written round-robin (bench-0 ...), created if missing. Default: ${DEFAULT-VALUE}.")
    int rooms;

    @Option(names = "--message-bytes", paramLabel = "BYTES", defaultValue = "256", description = "Message size. Default: ${DEFAULT-VALUE}.")
    int messageBytes;

    @Option(names = "--subscribers", paramLabel = "S", defaultValue = "2",
            description = "Subscribers on followers timing post -> delivery. Default: ${DEFAULT-VALUE}.")
    int subscribers;

    @Option(names = "--readers", paramLabel = "R", defaultValue = "2",
            description = "Readers of the newest " + BenchConfig.READ_PAGE + " messages on followers (linearizable). Default: ${DEFAULT-VALUE}.")
    int readers;

    @Option(names = "--read-rate", paramLabel = "N", defaultValue = "200",
            description = "Reads per second, all readers together. Default: ${DEFAULT-VALUE}.")
    int readRatePerSec;

    @Option(names = "--online-sessions", paramLabel = "N", defaultValue = "0",
            description = "Extra users, logged in before the load, each heartbeating to the leader every "
                    + "10 s as the chat client does (counted apart from the posts). Default: ${DEFAULT-VALUE}.")
    int onlineSessions;

    @Option(names = "--soak", description = "A long run reported per row (a minute by default): p99 of commit, read and "
            + "delivery, errors, and with --run-dir the nodes' CPU per post, memory and disk; a table at the end and soak.csv.")
    boolean soak;

    @Option(names = "--soak-minutes", paramLabel = "M",
            description = "With --soak: the measured window in minutes (instead of --duration). Default: 30.")
    Integer soakMinutes;

    @Option(names = "--soak-row", paramLabel = "TIME", converter = DurationConverter.class,
            description = "With --soak: the length of one row. Default: 1m.")
    Duration soakRow;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "A raftchat-dev run dir (pids/<id>.pid, data/<id>): the nodes' CPU per post, memory and disk are "
                    + "read from /proc and the data dirs. scripts/bench.sh passes it.")
    Path runDir;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Where result.json, *.hlog and percentiles.svg go. Default: bench-results/<time>-<mode>-<N>.")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (Boolean.TRUE.equals(spec.findOption("--verbose").getValue())) {
            verboseLogging();
        }
        // The process environment: the CLI's CliContext, which tests replace, is package-private to org.raftchat.cli.
        BenchConfig config = config(cluster.addresses(System.getenv()));
        PrintWriter out = spec.commandLine().getOut();
        try {
            BenchOutcome outcome = new BenchRun(config, BenchRun.RETRY_OPTIONS, out, cluster.credentials(System.getenv())).run();
            BenchOutputs.write(config.outputDir(), outcome);
            out.println();
            out.print(ResultTable.render(outcome.result()));
            if (config.soak()) {
                out.println();
                out.print(SoakTable.render(outcome.result().soak()));
            }
            out.println("results: " + config.outputDir());
            out.flush();
            return ExitCodes.OK;
        } catch (ChatClientException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("raftchat bench: " + e.getMessage());
            err.flush();
            return ExitCodes.of(e);
        }
    }

    /** A soak's window: --soak-minutes (30 unless given); --duration would be ambiguous next to it. */
    private Duration soakWindow() {
        if (spec.commandLine().getParseResult() != null && spec.commandLine().getParseResult().hasMatchedOption("--duration")) {
            throw new IllegalArgumentException("--duration: a soak's length is --soak-minutes");
        }
        int minutes = soakMinutes != null ? soakMinutes : SOAK_MINUTES;
        if (minutes < 1 || minutes > MAX_SOAK_MINUTES) {
            throw new IllegalArgumentException("--soak-minutes: must be in 1.." + MAX_SOAK_MINUTES + ", got " + minutes);
        }
        return Duration.ofMinutes(minutes);
    }

    /** {@code --verbose} (from the cluster mixin): the setup client's retries, on stderr. */
    private static void verboseLogging() {
        if (LoggerFactory.getLogger("org.raftchat") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        }
    }

    /** {@code --mode open|closed}, in lower case as the user types it. */
    static final class ShapeConverter implements ITypeConverter<LoadShape> {
        @Override
        public LoadShape convert(String value) {
            try {
                return LoadShape.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Durations as people write them on a command line: {@code 20s}, {@code 500ms}, {@code 2m}, {@code 1.5s}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return DurationText.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** The options as a validated config; invalid values are usage errors (exit 2). */
    BenchConfig config(List<String> addresses) {
        Path dir = output != null ? output : Path.of("bench-results",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + shape.label() + "-"
                        + (shape == LoadShape.OPEN ? ratePerSec : inFlight));
        try {
            Duration window = soak ? soakWindow() : duration;
            Duration row = soak ? (soakRow != null ? soakRow : SOAK_ROW) : null;
            if (!soak && (soakMinutes != null || soakRow != null)) {
                throw new IllegalArgumentException((soakMinutes != null ? "--soak-minutes" : "--soak-row") + ": needs --soak");
            }
            if (runDir != null) {
                NodeProcess.ofRunDir(runDir); // names the problem now (no pids/, no pid files), not after the set-up
            }
            return new BenchConfig(addresses, shape, ratePerSec, inFlight, window, warmup, rooms, messageBytes,
                    subscribers, readers, readRatePerSec, dir, onlineSessions, row, runDir);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
