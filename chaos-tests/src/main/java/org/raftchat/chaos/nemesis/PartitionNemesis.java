package org.raftchat.chaos.nemesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.raftchat.chaos.cluster.DockerCluster;

/**
 * Network partitions between nodes with iptables inside the containers. Clients in the test JVM
 * still reach every node, so they meet minority nodes too. Each shape is a "grudge": for every
 * node, the peers it cannot talk to.
 */
public final class PartitionNemesis implements Nemesis {

    public enum Shape {
        /** The leader alone on one side. */
        ISOLATE_LEADER("partition-leader"),
        /** A random minority against the majority. */
        MAJORITY_MINORITY("partition-majority"),
        /** Two halves that only one node, the bridge, connects. */
        BRIDGE("partition-bridge"),
        /** Each node talks only to its two neighbours on a ring. */
        RING("partition-ring");

        final String label;

        Shape(String label) {
            this.label = label;
        }
    }

    private final Shape shape;
    /** This fault's own rules, so healing it leaves an overlapping partition or packet loss in place. */
    private final String chain = DockerCluster.newRuleChain();

    public PartitionNemesis(Shape shape) {
        this.shape = shape;
    }

    @Override
    public String name() {
        return shape.label;
    }

    @Override
    public String inject(DockerCluster cluster, Random random) {
        Map<String, List<String>> grudge = grudge(cluster, random);
        grudge.forEach((node, peers) -> cluster.block(node, peers, chain));
        String cuts = grudge.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + "-/-" + String.join(",", e.getValue())).collect(Collectors.joining(" "));
        // A ring of 3 nodes is a full mesh: say so, rather than report an empty fault.
        return cuts.isEmpty() ? "no link cut: with " + cluster.nodeIds().size() + " nodes every pair is adjacent" : cuts;
    }

    @Override
    public void heal(DockerCluster cluster) {
        cluster.removeRules(chain);
    }

    Map<String, List<String>> grudge(DockerCluster cluster, Random random) {
        List<String> nodes = new ArrayList<>(cluster.nodeIds());
        return switch (shape) {
            case ISOLATE_LEADER -> {
                String leader = Nemesis.leaderOrRandom(cluster, random);
                nodes.remove(leader);
                yield split(List.of(leader), nodes);
            }
            case MAJORITY_MINORITY -> {
                Collections.shuffle(nodes, random);
                yield split(nodes.subList(0, (nodes.size() - 1) / 2), nodes.subList((nodes.size() - 1) / 2, nodes.size()));
            }
            case BRIDGE -> bridge(nodes, random);
            case RING -> ring(nodes, random);
        };
    }

    /** Every node of a blocks every node of b, and the other way round. */
    static Map<String, List<String>> split(List<String> a, List<String> b) {
        Map<String, List<String>> grudge = new LinkedHashMap<>();
        a.forEach(n -> grudge.put(n, List.copyOf(b)));
        b.forEach(n -> grudge.put(n, List.copyOf(a)));
        return grudge;
    }

    private static Map<String, List<String>> bridge(List<String> nodes, Random random) {
        Collections.shuffle(nodes, random);
        int half = nodes.size() / 2;
        String bridge = nodes.get(half);
        List<String> left = nodes.subList(0, half);
        List<String> right = nodes.subList(half + 1, nodes.size());
        Map<String, List<String>> grudge = split(left, right);
        grudge.put(bridge, List.of());
        return grudge;
    }

    private static Map<String, List<String>> ring(List<String> nodes, Random random) {
        Collections.shuffle(nodes, random);
        int n = nodes.size();
        Map<String, List<String>> grudge = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String left = nodes.get((i + n - 1) % n);
            String right = nodes.get((i + 1) % n);
            String self = nodes.get(i);
            grudge.put(self, nodes.stream().filter(p -> !p.equals(self) && !p.equals(left) && !p.equals(right)).toList());
        }
        return grudge;
    }
}
