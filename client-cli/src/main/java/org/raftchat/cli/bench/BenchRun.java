package org.raftchat.cli.bench;

import java.io.IOException;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.raftchat.cli.ChatClient;
import org.raftchat.cli.ClientOptions;

/**
 * One benchmark run against a running cluster: find the leader, create the rooms, open the
 * subscriptions, then load for warm-up + duration, drain what is in flight, and sum up.
 *
 * <p>Timeline ({@link System#nanoTime}): writes and reads start at {@code loadStart}; the
 * measured window is {@code [loadStart + warmup, loadStart + warmup + duration)}; operations whose
 * intended start lies in it are timed and counted. No new operation starts after the window;
 * those in flight get until their retry budget runs out, and subscribers a short grace period.
 */
final class BenchRun {

    private static final Duration PROBE_PATIENCE = Duration.ofSeconds(15);
    private static final Duration TICK = Duration.ofSeconds(1);
    /** After the last write, how long to wait for deliveries that are still on their way. */
    private static final Duration DELIVERY_GRACE = Duration.ofSeconds(2);
    /** Deliveries stop counting once none arrived for this long after the last write. */
    private static final Duration DELIVERY_QUIET = Duration.ofMillis(300);

    private final BenchConfig config;
    private final RetryPolicy policy;
    private final PrintWriter progress;
    private final ChannelCredentials credentials;

    BenchRun(BenchConfig config, RetryPolicy policy, PrintWriter progress) {
        this(config, policy, progress, InsecureChannelCredentials.create());
    }

    /** {@code credentials}: how every channel of the run is secured (plaintext or TLS). */
    BenchRun(BenchConfig config, RetryPolicy policy, PrintWriter progress, ChannelCredentials credentials) {
        this.credentials = credentials;
        this.config = config;
        this.policy = policy;
        this.progress = progress;
    }

    BenchOutcome run() throws InterruptedException {
        String runId = MessageText.newRunId();
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> sessionTokens = new ArrayList<>();
        ClusterView view = prepareCluster(sessionTokens);
        createOutputDir();
        progress.println("raftchat bench " + runId + ": " + config.loadDescription() + ", " + DurationConverter.format(config.duration())
                + " after " + DurationConverter.format(config.warmup()) + " warm-up; leader " + view.leader()
                + ", subscribers and readers on " + String.join(", ", view.readNodes()));
        progress.flush();

        LatencyMetric commit = new LatencyMetric(BenchResult.COMMIT);
        LatencyMetric delivery = new LatencyMetric(BenchResult.DELIVERY);
        LatencyMetric read = new LatencyMetric(BenchResult.FOLLOWER_READ);
        RunCounters counters = new RunCounters();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-timer");
            t.setDaemon(true);
            return t;
        });
        MeasurementWindow window;
        try (NodeChannels channels = new NodeChannels(sessionTokens, credentials);
             DeliveryProbe subscribers = new DeliveryProbe(channels, timer, runId, counters, delivery)) {
            for (Placement p : Placement.spread(config.subscribers(), view.readNodes(), config.roomNames())) {
                subscribers.open(p, RoomSetup.lastSeq(channels, p.address(), p.room(), policy.callDeadline()));
            }
            // Start a little ahead, so the first intended starts are not already late.
            long loadStart = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            window = MeasurementWindow.after(loadStart, config.warmup(), config.duration());
            subscribers.measure(window);

            List<String> known = new ArrayList<>(config.addresses());
            if (!known.contains(view.leader())) {
                known.add(view.leader());
            }
            PostSender sender = new PostSender(channels, new LeaderTracker(known, view.leader()), timer, policy, counters,
                    commit, window, config.roomNames(), runId, config.messageBytes());
            FollowerReaders readers = new FollowerReaders(channels,
                    Placement.spread(config.readers(), view.readNodes(), config.roomNames()),
                    policy.callDeadline(), counters, read, window);
            IntervalReporter reporter = new IntervalReporter(config.outputDir(), List.of(commit, delivery, read), commit,
                    counters, progress, "raftchat bench " + runId + ", " + config.loadDescription(), window, sender::outstanding);
            long untilWindow = window.startNanos() - System.nanoTime();
            timer.schedule(reporter::begin, untilWindow, TimeUnit.NANOSECONDS);
            timer.scheduleAtFixedRate(reporter::tick, untilWindow + TICK.toNanos(), TICK.toNanos(), TimeUnit.NANOSECONDS);

            LoadDriver driver = LoadDriver.of(config, sender, loadStart, window.endNanos());
            readers.start(config.readRatePerSec(), loadStart, window.endNanos());
            driver.start();
            try {
                driver.awaitEnd();
                readers.awaitEnd();
                drain(sender, readers, counters);
            } finally {
                driver.stop();
                readers.stop();
                sender.abandon();
                readers.abandon();
                reporter.finish();
                timer.shutdownNow();
            }
        }
        Map<String, Histogram> histograms = new LinkedHashMap<>();
        for (LatencyMetric metric : List.of(commit, delivery, read)) {
            histograms.put(metric.name(), metric.total());
        }
        Map<String, LatencySummary> latency = new LinkedHashMap<>();
        histograms.forEach((name, h) -> latency.put(name, LatencySummary.of(h)));
        double throughput = counters.ackInWindow.sum() / window.seconds();
        BenchResult result = new BenchResult(BenchResult.SCHEMA_VERSION, runId, startedAt.toString(),
                BenchResult.Parameters.of(config), BenchResult.Cluster.of(view), MachineInfo.current(), window.seconds(),
                throughput, counters.snapshot(), latency);
        return new BenchOutcome(result, histograms);
    }

    /** Finds the leader and followers, logs the simulated users in and creates the rooms, with the product client. */
    private ClusterView prepareCluster(List<String> sessionTokens) throws InterruptedException {
        ClientOptions options = ClientOptions.defaults().withCallDeadline(Duration.ofSeconds(2))
                .withRetryBudget(policy.budget());
        try (ChatClient client = new ChatClient(config.addresses(), options, credentials)) {
            ClusterView view = ClusterProbe.probe(client, PROBE_PATIENCE);
            sessionTokens.addAll(BenchUsers.prepare(client, config.roomNames()));
            return view;
        }
    }

    /** Lets writes in flight finish (up to their retry budget), then reads, then deliveries on their way. */
    private void drain(PostSender sender, FollowerReaders readers, RunCounters counters) throws InterruptedException {
        int writesLeft = sender.awaitIdle(policy.budget().plusSeconds(1));
        readers.awaitIdle(policy.callDeadline().plusSeconds(1));
        long graceEnd = System.nanoTime() + DELIVERY_GRACE.toNanos();
        long seen = -1;
        while (System.nanoTime() - graceEnd < 0 && counters.deliveries.sum() != seen) {
            seen = counters.deliveries.sum();
            Thread.sleep(DELIVERY_QUIET.toMillis());
        }
        if (writesLeft > 0) {
            progress.println("  " + writesLeft + " writes still unanswered after the retry budget; counted as errors");
        }
    }

    private void createOutputDir() {
        try {
            Files.createDirectories(config.outputDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + config.outputDir(), e);
        }
    }
}
