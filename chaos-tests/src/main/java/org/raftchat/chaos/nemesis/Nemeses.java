package org.raftchat.chaos.nemesis;

import java.util.List;
import java.util.function.Supplier;

/** Every nemesis by name: what a run's --nemesis option and its schedule refer to. */
public final class Nemeses {

    private Nemeses() {
    }

    private static final List<Supplier<Nemesis>> ALL = List.of(
            () -> new KillNemesis(true),
            () -> new KillNemesis(false),
            PauseNemesis::new,
            () -> new PartitionNemesis(PartitionNemesis.Shape.ISOLATE_LEADER),
            () -> new PartitionNemesis(PartitionNemesis.Shape.MAJORITY_MINORITY),
            () -> new PartitionNemesis(PartitionNemesis.Shape.BRIDGE),
            () -> new PartitionNemesis(PartitionNemesis.Shape.RING),
            NetworkNemesis::latency,
            NetworkNemesis::loss,
            MembershipNemesis::new,
            () -> new ClockNemesis(ClockNemesis.Mode.SKEW),
            () -> new ClockNemesis(ClockNemesis.Mode.JUMP),
            () -> new ClockNemesis(ClockNemesis.Mode.STROBE),
            DiskNemesis::full,
            DiskNemesis::corrupt,
            SlowDiskNemesis::new,
            PowerLossNemesis::oneNode,
            PowerLossNemesis::wholeCluster,
            RollingRestartNemesis::new);

    /** "mix" stands for all of them. */
    public static final String MIX = "mix";

    public static List<String> names() {
        return ALL.stream().map(s -> s.get().name()).toList();
    }

    public static Nemesis byName(String name) {
        return ALL.stream().map(Supplier::get).filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown nemesis '" + name + "'; known: " + names() + " or " + MIX));
    }

    /** Expands "mix" and checks every name; an entry "a+b" is a composed fault (b inside a's window). */
    public static List<String> expand(List<String> names) {
        if (names.contains(MIX)) {
            return names();
        }
        for (String entry : names) {
            String[] parts = entry.split("\\+");
            if (parts.length > 2) {
                throw new IllegalArgumentException("a composed fault is two nemeses, a+b: '" + entry + "'");
            }
            for (String part : parts) {
                byName(part);
            }
            if (parts.length == 2 && takesEveryNode(parts[0])) {
                throw new IllegalArgumentException("'" + entry + "': " + parts[0] + " takes every node, so nothing can run inside "
                        + "its window; put it second (" + parts[1] + "+" + parts[0] + ")");
            }
        }
        return List.copyOf(names);
    }

    /** Whether the named nemesis breaks every free node (nothing can be composed inside it); false for unknown names. */
    public static boolean takesEveryNode(String name) {
        return ALL.stream().map(Supplier::get).anyMatch(n -> n.name().equals(name) && n.takesEveryNode());
    }

    /** Whether the schedule draws overlapping windows on its own: the mix does. */
    public static boolean composesRandomly(List<String> names) {
        return names.contains(MIX);
    }
}
