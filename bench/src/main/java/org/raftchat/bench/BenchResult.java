package org.raftchat.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one run measured, with what it was asked to do and where: the content of
 * {@code result.json}. Latencies in milliseconds, throughput in acknowledged messages per second
 * of the measured window.
 *
 * @param latencyMs  by name: {@value #COMMIT} (post → acknowledged), {@value #DELIVERY} (post →
 *                   received by a subscriber on a follower), {@value #FOLLOWER_READ}
 */
public record BenchResult(int schemaVersion, String runId, String startedAt, Parameters parameters, Cluster cluster,
                          MachineInfo machine, double measuredSeconds, double throughputMsgsPerSec, Counts counts,
                          Map<String, LatencySummary> latencyMs, ServerUsage server, Presence presence, List<SoakRow> soak) {

    /** 2 added server, presence and soak (absent, so null or empty, in results of version 1). */
    public static final int SCHEMA_VERSION = 2;
    public static final String COMMIT = "commit";
    public static final String DELIVERY = "delivery";
    public static final String FOLLOWER_READ = "follower_read";

    public BenchResult {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(counts, "counts");
        latencyMs = Collections.unmodifiableMap(new LinkedHashMap<>(latencyMs));
        soak = soak == null ? List.of() : List.copyOf(soak);
    }

    /** A result without server figures, online sessions or soak rows. */
    public BenchResult(int schemaVersion, String runId, String startedAt, Parameters parameters, Cluster cluster,
                       MachineInfo machine, double measuredSeconds, double throughputMsgsPerSec, Counts counts,
                       Map<String, LatencySummary> latencyMs) {
        this(schemaVersion, runId, startedAt, parameters, cluster, machine, measuredSeconds, throughputMsgsPerSec, counts,
                latencyMs, null, null, List.of());
    }

    public LatencySummary latency(String name) {
        return latencyMs.getOrDefault(name, new LatencySummary(0, 0, 0, 0, 0, 0, 0));
    }

    /** The run's parameters as plain values ({@link BenchConfig} minus the output directory). */
    public record Parameters(String mode, int ratePerSec, int inFlight, double durationS, double warmupS, int rooms,
                             int messageBytes, int subscribers, int readers, int readRatePerSec, List<String> addresses,
                             int onlineSessions) {

        public Parameters {
            addresses = List.copyOf(addresses);
        }

        static Parameters of(BenchConfig c) {
            return new Parameters(c.shape().label(), c.ratePerSec(), c.inFlight(), c.duration().toMillis() / 1000.0,
                    c.warmup().toMillis() / 1000.0, c.rooms(), c.messageBytes(), c.subscribers(), c.readers(),
                    c.readRatePerSec(), c.addresses(), c.onlineSessions());
        }

        /** "open-500" or "closed-16". */
        public String loadLabel() {
            return mode + "-" + ("open".equals(mode) ? ratePerSec : inFlight);
        }

        /** "open loop, 500 msgs/s" or "closed loop, 16 in flight". */
        public String loadDescription() {
            return "open".equals(mode) ? "open loop, " + ratePerSec + " msgs/s" : "closed loop, " + inFlight + " in flight";
        }
    }

    /** The cluster as found at the start: its size (nodes that answered), the leader, where subscribers and readers went. */
    public record Cluster(int nodes, String leader, List<String> followers, Map<String, String> nodeIds) {

        public Cluster {
            followers = List.copyOf(followers);
            nodeIds = Map.copyOf(nodeIds);
        }

        static Cluster of(ClusterView view) {
            return new Cluster(view.nodeIds().size(), view.leader(), view.followers(), view.nodeIds());
        }
    }

    /**
     * What the nodes spent in the measured window, read from /proc (needs {@code --run-dir}).
     *
     * @param nodes            node processes read
     * @param cpuSeconds       user + system CPU of all nodes in the window
     * @param cpuPercent       the same as a share of one core (200 = two cores busy)
     * @param cpuUsPerAck      server CPU per acknowledged post, microseconds (the figure of merit)
     * @param rssMb            resident memory of all nodes at the window's end, MiB
     * @param diskMb           bytes under all data directories at the window's end, MiB
     */
    public record ServerUsage(int nodes, double cpuSeconds, double cpuPercent, double cpuUsPerAck, double rssMb,
                              double diskMb) {
    }

    /**
     * The online sessions' heartbeats in the measured window, and what the log took meanwhile.
     *
     * @param sessions        sessions heartbeating
     * @param intervalS       each session's heartbeat interval
     * @param heartbeats      heartbeats sent in the window
     * @param heartbeatsOk    answered OK
     * @param heartbeatErrors failed (after one redirect to the leader)
     * @param logEntries      entries the leader applied in the window (its applied index, before and after);
     *                        -1 if it could not be read or the leader changed
     * @param logEntriesPerAck log entries per acknowledged post: 1 plus what presence and everything else costs
     */
    public record Presence(int sessions, double intervalS, long heartbeats, long heartbeatsOk, long heartbeatErrors,
                           long logEntries, double logEntriesPerAck) {
    }
}
