package org.raftchat.bench;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.io.IOException;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ClientOptions;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.ClusterInfo;
import org.raftchat.proto.v1.GetClusterInfoRequest;

/**
 * One benchmark run against a running cluster: find the leader, create the rooms, open the
 * subscriptions, then load for warm-up + duration, drain what is in flight, and sum up.
 *
 * <p>Timeline ({@link System#nanoTime}): writes and reads start at {@code loadStart}; the
 * measured window is {@code [loadStart + warmup, loadStart + warmup + duration)}; operations whose
 * intended start lies in it are timed and counted. No new operation starts after the window;
 * those in flight get until their retry budget runs out, and subscribers a short grace period.
 */
public final class BenchRun {

    private static final Duration PROBE_PATIENCE = Duration.ofSeconds(15);
    /**
     * How the bench's own writes are retried: the product client's deadline and budget; shorter
     * pauses, as a busy leader usually frees up within milliseconds.
     */
    public static final ClientOptions RETRY_OPTIONS = ClientOptions.defaults().withBackoff(Duration.ofMillis(5), Duration.ofMillis(500));
    private static final Duration TICK = Duration.ofSeconds(1);
    /** After the last write, how long to wait for deliveries that are still on their way. */
    private static final Duration DELIVERY_GRACE = Duration.ofSeconds(2);
    /** Deliveries stop counting once none arrived for this long after the last write. */
    private static final Duration DELIVERY_QUIET = Duration.ofMillis(300);

    private final BenchConfig config;
    private final ClientOptions policy;
    private final PrintWriter progress;
    private final ChannelCredentials credentials;

    BenchRun(BenchConfig config, ClientOptions policy, PrintWriter progress) {
        this(config, policy, progress, InsecureChannelCredentials.create());
    }

    /** {@code credentials}: how every channel of the run is secured (plaintext or TLS). */
    public BenchRun(BenchConfig config, ClientOptions policy, PrintWriter progress, ChannelCredentials credentials) {
        this.credentials = credentials;
        this.config = config;
        this.policy = policy;
        this.progress = progress;
    }

    public BenchOutcome run() throws InterruptedException {
        String runId = MessageText.newRunId();
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> sessionTokens = new ArrayList<>();
        List<String> onlineTokens = new ArrayList<>();
        ClusterView view = prepareCluster(sessionTokens, onlineTokens);
        List<NodeProcess> nodes = config.runDir() == null ? List.of() : NodeProcess.ofRunDir(config.runDir());
        createOutputDir();
        progress.println("raftchat bench " + runId + ": " + config.loadDescription() + ", " + DurationText.format(config.duration())
                + " after " + DurationText.format(config.warmup()) + " warm-up; leader " + view.leader()
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
        AtomicReference<ServerSample> serverAtStart = new AtomicReference<>(ServerSample.NONE);
        AtomicLong appliedAtStart = new AtomicLong(-1);
        ServerSample serverAtEnd;
        long appliedAtEnd;
        List<SoakRow> reporterRows;
        OnlineSessions online = null;
        try (BenchChannels channels = new BenchChannels(sessionTokens, credentials);
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
            SoakRecorder soak = config.soak() ? new SoakRecorder(config.soakRow(), window.endNanos(), () -> ServerSample.take(nodes)) : null;
            IntervalReporter reporter = new IntervalReporter(config.outputDir(), List.of(commit, delivery, read), commit,
                    counters, progress, "raftchat bench " + runId + ", " + config.loadDescription(), window, sender::outstanding,
                    soak);
            long untilWindow = window.startNanos() - System.nanoTime();
            timer.schedule(() -> {
                reporter.begin();
                serverAtStart.set(ServerSample.take(nodes));
                appliedAtStart.set(leaderAppliedIndex(channels, view.leader()));
            }, untilWindow, TimeUnit.NANOSECONDS);
            timer.scheduleAtFixedRate(reporter::tick, untilWindow + TICK.toNanos(), TICK.toNanos(), TimeUnit.NANOSECONDS);

            LoadDriver driver = LoadDriver.of(config, sender, loadStart, window.endNanos());
            readers.start(config.readRatePerSec(), loadStart, window.endNanos());
            if (!onlineTokens.isEmpty()) {
                online = new OnlineSessions(onlineTokens, credentials, new LeaderTracker(known, view.leader()),
                        Defaults.HEARTBEAT_INTERVAL, policy.callDeadline(), window, counters);
                online.start(timer, window.endNanos());
            }
            driver.start();
            try {
                driver.awaitEnd();
                // The window is over: the nodes' CPU and the leader's log, before the drain adds to either.
                serverAtEnd = ServerSample.take(nodes);
                appliedAtEnd = leaderAppliedIndex(channels, view.leader());
                readers.awaitEnd();
                drain(sender, readers, counters);
            } finally {
                if (online != null) {
                    online.close();
                }
                driver.stop();
                readers.stop();
                sender.abandon();
                readers.abandon();
                reporter.finish();
                timer.shutdownNow();
            }
            reporterRows = soak == null ? List.of() : soak.rows();
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
                throughput, counters.snapshot(), latency,
                serverUsage(nodes.size(), serverAtStart.get(), serverAtEnd, counters.ackInWindow.sum()),
                presence(online, appliedAtStart.get(), appliedAtEnd, counters.ackInWindow.sum()),
                reporterRows);
        return new BenchOutcome(result, histograms);
    }

    /** What the nodes spent in the window; null when no node process could be read. */
    static BenchResult.ServerUsage serverUsage(int nodes, ServerSample start, ServerSample end, long acks) {
        long cpuMicros = end.cpuMicrosSince(start);
        if (cpuMicros < 0) {
            return null;
        }
        double seconds = (end.nanoTime() - start.nanoTime()) / 1e9;
        return new BenchResult.ServerUsage(nodes, round(cpuMicros / 1e6), round(100 * cpuMicros / 1e6 / seconds),
                acks == 0 ? -1 : round((double) cpuMicros / acks), mib(end.rssBytes()), mib(end.diskBytes()));
    }

    private static BenchResult.Presence presence(OnlineSessions online, long appliedStart, long appliedEnd, long acks) {
        long entries = appliedStart < 0 || appliedEnd < appliedStart ? -1 : appliedEnd - appliedStart;
        double perAck = entries < 0 || acks == 0 ? -1 : round((double) entries / acks);
        if (online == null) {
            return new BenchResult.Presence(0, 0, 0, 0, 0, entries, perAck);
        }
        return new BenchResult.Presence(online.sessions(), Defaults.HEARTBEAT_INTERVAL.toMillis() / 1000.0,
                online.sent.sum(), online.acked.sum(), online.errors.sum(), entries, perAck);
    }

    /** The leader's applied index, or -1 if it cannot say or no longer leads (entries counted across a change would mislead). */
    private long leaderAppliedIndex(BenchChannels channels, String leader) {
        try {
            ClusterInfo info = channels.blocking(leader, policy.callDeadline()).getClusterInfo(GetClusterInfoRequest.getDefaultInstance());
            return info.getRole().contains("LEADER") ? info.getAppliedIndex() : -1;
        } catch (RuntimeException unavailable) {
            return -1;
        }
    }

    private static double mib(long bytes) {
        return bytes < 0 ? -1 : round(bytes / 1048576.0);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** Finds the leader and followers, logs the simulated users in and creates the rooms, with the product client. */
    private ClusterView prepareCluster(List<String> sessionTokens, List<String> onlineTokens) throws InterruptedException {
        ClientOptions options = ClientOptions.defaults().withCallDeadline(Duration.ofSeconds(2))
                .withRetryBudget(policy.retryBudget());
        ClusterView view;
        try (ChatClient client = new ChatClient(config.addresses(), options, credentials)) {
            view = ClusterProbe.probe(client, PROBE_PATIENCE);
            sessionTokens.addAll(BenchUsers.prepare(client, config.roomNames()));
        }
        if (config.onlineSessions() > 0) {
            long began = System.nanoTime();
            progress.print("logging " + config.onlineSessions() + " online sessions in ... ");
            progress.flush();
            onlineTokens.addAll(OnlineSessions.logIn(config.addresses(), credentials, config.onlineSessions()));
            progress.printf(java.util.Locale.ROOT, "%.1f s%n", (System.nanoTime() - began) / 1e9);
            if (config.warmup().compareTo(Defaults.HEARTBEAT_INTERVAL) < 0) {
                // Sessions that logged in long ago went offline; their first beat is a log entry of its own.
                progress.println("  note: a warm-up shorter than the heartbeat interval (" + DurationText.format(Defaults.HEARTBEAT_INTERVAL)
                        + ") lets sessions come back online inside the window, each with a log entry");
            }
            progress.flush();
        }
        return view;
    }

    /** Lets writes in flight finish (up to their retry budget), then reads, then deliveries on their way. */
    private void drain(PostSender sender, FollowerReaders readers, RunCounters counters) throws InterruptedException {
        int writesLeft = sender.awaitIdle(policy.retryBudget().plusSeconds(1));
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
