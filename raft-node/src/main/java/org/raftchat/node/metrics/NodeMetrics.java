package org.raftchat.node.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.snapshots.Unit;
import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.raftchat.config.BuildInfo;
import org.raftchat.statemachine.StoreMemory;

/**
 * The metrics of one node, in a registry of its own (several nodes may share a JVM in tests).
 *
 * <p>Recording is cheap and lock-free, so it can sit on the apply and propose paths: counters and
 * classic histograms with fixed buckets and no exemplars, their data points resolved once here,
 * no allocation per call. Values read from elsewhere (role, term, indexes, sizes) are gauges
 * with callbacks, computed only when Prometheus scrapes.
 *
 * <p>Thread-safe.
 */
public final class NodeMetrics {

    /** 100 µs .. ~13 s, doubling: covers an fsync on loopback up to a stalled election. */
    private static final double[] LATENCY_BUCKETS_SECONDS = exponential(0.0001, 2, 18);
    private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter appliedEntries;
    private final Histogram applyBatchSeconds;
    private final Counter applyFailures;
    private final CounterDataPoint proposalsCommitted;
    private final CounterDataPoint proposalsFailed;
    private final Histogram commitSeconds;
    private final Map<EntryTrigger, CounterDataPoint> proposedEntries = new EnumMap<>(EntryTrigger.class);
    private final Map<EntryTrigger, CounterDataPoint> groupedCommands = new EnumMap<>(EntryTrigger.class);
    private final LongAdder pendingProposals = new LongAdder();
    private final CounterDataPoint readBarriersOk;
    private final CounterDataPoint readBarriersFailed;
    private final Counter readIndexRounds;
    private final Histogram readIndexSeconds;
    private final Counter leaderChanges;
    private final Counter grpcRequests;
    private final Histogram grpcUnarySeconds;

    public NodeMetrics() {
        this(BuildInfo.current());
    }

    /** @param build what {@code raftchat_build_info} says this node runs */
    public NodeMetrics(BuildInfo build) {
        Info.builder().name("raftchat_build_info").help("The version and git commit this node was built from (value 1)")
                .labelNames("version", "commit").register(registry).setLabelValues(build.version(), build.commit());
        appliedEntries = Counter.builder().name("raftchat_applied_entries")
                .help("Committed log entries applied to this replica's state machine").register(registry);
        applyBatchSeconds = latency("raftchat_apply_batch_seconds",
                "Time to apply one batch of committed entries to RocksDB (one WriteBatch)");
        applyFailures = Counter.builder().name("raftchat_apply_failures")
                .help("Times applying committed entries failed and stopped this replica (it then applies nothing more "
                        + "in this process), by cause: storage_failed, data_corrupt (a damaged table or an undecodable "
                        + "entry) or apply_bug (apply threw: every replica fails on that entry alike)")
                .labelNames("cause").register(registry);
        // Zero from the start, so an alert on an increase sees the first failure.
        java.util.List.of("storage_failed", "data_corrupt", "apply_bug").forEach(applyFailures::labelValues);
        Counter proposals = Counter.builder().name("raftchat_proposals")
                .help("Commands this node proposed as leader, by outcome: committed (applied here) or failed "
                        + "(not leader, queue full, timed out: see raftchat_grpc_requests_total for the status)")
                .labelNames("outcome").register(registry);
        proposalsCommitted = proposals.labelValues("committed");
        proposalsFailed = proposals.labelValues("failed");
        commitSeconds = latency("raftchat_commit_seconds",
                "From proposing a command on the leader until it is committed on a majority and applied here");
        Counter entries = Counter.builder().name("raftchat_proposed_entries")
                .help("Log entries this node proposed as leader, by what sent each out: full (it carries the most "
                        + "commands an entry may), alone (one command, nothing in flight), linger (the linger since the "
                        + "previous entry ran out) or quiet (no command arrived for the quiet time)")
                .labelNames("trigger").register(registry);
        Counter commands = Counter.builder().name("raftchat_proposed_entry_commands")
                .help("Commands in the log entries this node proposed as leader, by what sent the entry out "
                        + "(divided by raftchat_proposed_entries_total: commands per entry)")
                .labelNames("trigger").register(registry);
        for (EntryTrigger trigger : EntryTrigger.values()) {
            proposedEntries.put(trigger, entries.labelValues(trigger.label()));
            groupedCommands.put(trigger, commands.labelValues(trigger.label()));
        }
        GaugeWithCallback.builder().name("raftchat_pending_proposals")
                .help("Proposals waiting to be committed and applied on this leader")
                .callback(cb -> cb.call(pendingProposals.sum())).register(registry);
        Counter readBarriers = Counter.builder().name("raftchat_read_barriers")
                .help("Linearizable read barriers (ReadIndex), by outcome").labelNames("outcome").register(registry);
        readBarriersOk = readBarriers.labelValues("ok");
        readBarriersFailed = readBarriers.labelValues("failed");
        readIndexRounds = Counter.builder().name("raftchat_read_index_rounds")
                .help("ReadIndex rounds this node asked for; the read barriers waiting at the time share each one")
                .register(registry);
        readIndexSeconds = latency("raftchat_read_index_seconds",
                "Time for a ReadIndex barrier until this replica has applied up to the read index");
        leaderChanges = Counter.builder().name("raftchat_leader_changes")
                .help("Leaders this node has seen take office (itself included)").register(registry);
        grpcRequests = Counter.builder().name("raftchat_grpc_requests")
                .help("gRPC calls this node answered, by full method name and status code")
                .labelNames("method", "code").register(registry);
        grpcUnarySeconds = Histogram.builder().name("raftchat_grpc_unary_seconds")
                .help("Time to answer a unary gRPC call, by full method name").unit(Unit.SECONDS)
                .labelNames("method").classicOnly().classicUpperBounds(LATENCY_BUCKETS_SECONDS).withoutExemplars()
                .register(registry);
    }

    /**
     * Gauges read from the node when Prometheus scrapes: role, term, Raft indexes, subscriptions.
     * Call once, after the node has started.
     */
    public void registerNodeGauges(NodeStatusView node) {
        GaugeWithCallback.builder().name("raftchat_raft_role")
                .help("1 for this node's current Raft role (LEADER, FOLLOWER, CANDIDATE, ...)").labelNames("role")
                .callback(cb -> cb.call(1, node.role())).register(registry);
        GaugeWithCallback.builder().name("raftchat_is_leader").help("1 if this node leads, else 0")
                .callback(cb -> cb.call(node.isLeader() ? 1 : 0)).register(registry);
        gauge("raftchat_raft_term", "The Raft term this node last saw a leader in", node::term);
        gauge("raftchat_last_log_index", "Index of the last entry in this node's Raft log", node::lastLogIndex);
        gauge("raftchat_committed_index", "Index of the last entry this node knows to be committed", node::committedIndex);
        gauge("raftchat_applied_index", "Index of the last entry applied to this replica's state machine", node::appliedIndex);
        gauge("raftchat_subscriptions", "Subscribe streams this node is serving", node::openSubscriptions);
    }

    /**
     * Bytes on disk under each directory, labelled by store ({@code state}, {@code raft_log}, ...);
     * walked at scrape time. A file that vanishes mid-walk (a RocksDB compaction) is not counted.
     */
    public void registerDiskUsage(Map<String, Path> directoriesByStore) {
        GaugeWithCallback.builder().name("raftchat_disk_bytes").unit(Unit.BYTES)
                .help("Bytes on disk by store: state (the state machine's RocksDB), raft_log (SOFAJRaft's RocksDB log), "
                        + "raft_snapshot, raft_meta")
                .labelNames("store")
                .callback(cb -> directoriesByStore.forEach((store, dir) -> cb.call(sizeBytes(dir), store)))
                .register(registry);
    }

    /**
     * Native memory RocksDB holds for the state, by kind (memtables, table_readers, block_cache); read
     * at scrape time. The Raft log's RocksDB is not here: SOFAJRaft keeps its handle to itself.
     */
    public void registerStateMemory(Supplier<StoreMemory> state) {
        GaugeWithCallback.builder().name("raftchat_rocksdb_memory_bytes").unit(Unit.BYTES)
                .help("Native memory RocksDB holds, by store and kind: memtables, table_readers (what open tables "
                        + "hold outside the cache), block_cache (data, index and filter blocks; bounded)")
                .labelNames("store", "kind")
                .callback(cb -> {
                    StoreMemory memory = state.get();
                    cb.call(memory.memtableBytes(), "state", "memtables");
                    cb.call(memory.tableReaderBytes(), "state", "table_readers");
                    cb.call(memory.blockCacheBytes(), "state", "block_cache");
                })
                .register(registry);
    }

    /** Standard JVM metrics (memory, GC, threads); once per process, or they would repeat under every node. */
    public void registerJvmMetrics() {
        JvmMetrics.builder().register(registry);
    }

    /** A gRPC call ended with {@code code}; unary calls also record how long they took. */
    public void grpcCallFinished(String fullMethodName, Status.Code code, boolean unary, long startNanos) {
        grpcRequests.labelValues(fullMethodName, code.name()).inc();
        if (unary) {
            grpcUnarySeconds.labelValues(fullMethodName).observe((System.nanoTime() - startNanos) / NANOS_PER_SECOND);
        }
    }

    /** The registry to serve or to add further collectors to (gauges of the node, JVM metrics). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** On the FSM thread, after a batch of {@code count} entries was applied in {@code elapsedNanos}. */
    public void batchApplied(int count, long elapsedNanos) {
        appliedEntries.inc(count);
        applyBatchSeconds.observe(elapsedNanos / NANOS_PER_SECOND);
    }

    /** On the FSM thread: applying a batch failed with {@code cause} (a {@code FatalError.Cause} label) and the replica stops. */
    public void applyFailed(String cause) {
        applyFailures.labelValues(cause).inc();
    }

    /** A command is being proposed; returns the start time to pass to {@link #proposalFinished}. */
    public long proposalStarted() {
        pendingProposals.increment();
        return System.nanoTime();
    }

    /** On the leader: a log entry of {@code commands} commands was proposed, sent out by {@code trigger}. */
    public void entryProposed(EntryTrigger trigger, int commands) {
        proposedEntries.get(trigger).inc();
        groupedCommands.get(trigger).inc(commands);
    }

    public void proposalFinished(long startNanos, boolean committed) {
        pendingProposals.decrement();
        if (committed) {
            proposalsCommitted.inc();
            commitSeconds.observe((System.nanoTime() - startNanos) / NANOS_PER_SECOND);
        } else {
            proposalsFailed.inc();
        }
    }

    /** A read barrier that started at {@code startNanos} completed (or failed). */
    public void readBarrierFinished(long startNanos, boolean ok) {
        if (ok) {
            readBarriersOk.inc();
            readIndexSeconds.observe((System.nanoTime() - startNanos) / NANOS_PER_SECOND);
        } else {
            readBarriersFailed.inc();
        }
    }

    public void readIndexRoundStarted() {
        readIndexRounds.inc();
    }

    public void leaderChanged() {
        leaderChanges.inc();
    }

    private void gauge(String name, String help, java.util.function.LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    static long sizeBytes(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    total[0] += attrs.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + dir, e);
        }
        return total[0];
    }

    private Histogram latency(String name, String help) {
        return Histogram.builder().name(name).help(help).unit(Unit.SECONDS)
                .classicOnly().classicUpperBounds(LATENCY_BUCKETS_SECONDS).withoutExemplars()
                .register(registry);
    }

    private static double[] exponential(double start, double factor, int count) {
        double[] bounds = new double[count];
        double bound = start;
        for (int i = 0; i < count; i++) {
            bounds[i] = bound;
            bound *= factor;
        }
        return bounds;
    }
}
