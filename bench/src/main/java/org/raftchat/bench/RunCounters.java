package org.raftchat.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of a run, updated from many threads without locking. Writes and reads count when
 * their intended start lies in the measured window; {@link #ackInWindow} counts acknowledgements
 * arriving in it (the throughput).
 */
final class RunCounters {

    /** Kinds beyond this share one bucket, so a storm of distinct messages cannot grow the map without bound. */
    private static final int MAX_ERROR_KINDS = 32;
    private static final String OTHER = "OTHER";

    final LongAdder writes = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder ackInWindow = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder redirects = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    final LongAdder reads = new LongAdder();
    final LongAdder readErrors = new LongAdder();
    final LongAdder subscriptionErrors = new LongAdder();
    /** The latest a measured write was sent after its intended start: how far the client itself fell behind. */
    final LongAccumulator sendLagMaxNanos = new LongAccumulator(Math::max, 0);
    private final ConcurrentMap<String, LongAdder> errorsByKind = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, String> firstMessageByKind = new ConcurrentHashMap<>();

    /**
     * Notes a failure under {@code kind} (a gRPC code or a short name) with an example message.
     * Every failure is noted, warm-up included, so a run that only failed while warming up still says why.
     */
    void noteFailure(String kind, String message) {
        String key = errorsByKind.containsKey(kind) || errorsByKind.size() < MAX_ERROR_KINDS ? kind : OTHER;
        errorsByKind.computeIfAbsent(key, k -> new LongAdder()).increment();
        if (message != null) {
            firstMessageByKind.putIfAbsent(key, message);
        }
    }

    Counts snapshot() {
        Map<String, Long> byKind = new TreeMap<>();
        errorsByKind.forEach((k, v) -> byKind.put(k, v.sum()));
        return new Counts(writes.sum(), acked.sum(), errors.sum(), retries.sum(), redirects.sum(), deliveries.sum(),
                reads.sum(), readErrors.sum(), subscriptionErrors.sum(), Math.round(sendLagMaxNanos.get() / 1e3) / 1e3, byKind,
                new TreeMap<>(firstMessageByKind));
    }
}
