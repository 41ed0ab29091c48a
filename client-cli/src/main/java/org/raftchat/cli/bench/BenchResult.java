package org.raftchat.cli.bench;

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
                          Map<String, LatencySummary> latencyMs) {

    public static final int SCHEMA_VERSION = 1;
    public static final String COMMIT = "commit";
    public static final String DELIVERY = "delivery";
    public static final String FOLLOWER_READ = "follower_read";

    public BenchResult {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(counts, "counts");
        latencyMs = Collections.unmodifiableMap(new LinkedHashMap<>(latencyMs));
    }

    public LatencySummary latency(String name) {
        return latencyMs.getOrDefault(name, new LatencySummary(0, 0, 0, 0, 0, 0, 0));
    }

    /** The run's parameters as plain values ({@link BenchConfig} minus the output directory). */
    public record Parameters(String mode, int ratePerSec, int inFlight, double durationS, double warmupS, int rooms,
                             int messageBytes, int subscribers, int readers, int readRatePerSec, List<String> addresses) {

        public Parameters {
            addresses = List.copyOf(addresses);
        }

        static Parameters of(BenchConfig c) {
            return new Parameters(c.shape().label(), c.ratePerSec(), c.inFlight(), c.duration().toMillis() / 1000.0,
                    c.warmup().toMillis() / 1000.0, c.rooms(), c.messageBytes(), c.subscribers(), c.readers(),
                    c.readRatePerSec(), c.addresses());
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
}
