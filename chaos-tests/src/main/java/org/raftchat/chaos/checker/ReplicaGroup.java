package org.raftchat.chaos.checker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.raftchat.chaos.history.FinalRead;

/**
 * The nodes whose final reads of a room have identical content.
 *
 * @param nodes the nodes, sorted
 * @param read  one of their (identical) final reads
 */
record ReplicaGroup(List<String> nodes, FinalRead read) {

    ReplicaGroup {
        nodes = List.copyOf(nodes);
    }

    /**
     * Groups final reads by content. The largest group comes first (ties: the group holding the
     * alphabetically first node), so that one odd replica is what gets named as divergent
     * rather than the majority.
     */
    static List<ReplicaGroup> of(List<FinalRead> finals) {
        List<List<FinalRead>> groups = new ArrayList<>();
        for (FinalRead read : finals) {
            groups.stream()
                    .filter(g -> g.get(0).sameContentAs(read))
                    .findFirst()
                    .ifPresentOrElse(g -> g.add(read), () -> groups.add(new ArrayList<>(List.of(read))));
        }
        return groups.stream()
                .map(g -> new ReplicaGroup(g.stream().map(FinalRead::node).sorted().toList(), g.get(0)))
                .sorted(Comparator.comparingInt((ReplicaGroup g) -> -g.nodes().size())
                        .thenComparing(g -> g.nodes().get(0)))
                .toList();
    }

    String nodeList() {
        return String.join(",", nodes);
    }
}
