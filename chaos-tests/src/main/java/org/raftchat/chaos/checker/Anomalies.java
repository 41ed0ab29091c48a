package org.raftchat.chaos.checker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.raftchat.chaos.history.Op;

/** Where the room checks put what they find; keeps each anomaly's op list bounded and ordered. */
final class Anomalies {

    /**
     * How many operations an anomaly names at most. A run that loses thousands of writes still
     * counts them all; naming them all in every stale read would make the report unreadable.
     */
    static final int MAX_OPS = 40;

    /** How many keys a description lists before it says "and N more". */
    static final int MAX_KEYS_LISTED = 10;

    private final List<Anomaly> found = new ArrayList<>();

    void add(AnomalyKind kind, String description, Collection<Op> ops) {
        found.add(new Anomaly(kind.label(), description, distinctByIndex(ops)));
    }

    List<Anomaly> list() {
        return List.copyOf(found);
    }

    /** Ops in index order, each once, at most {@link #MAX_OPS}. */
    private static List<Op> distinctByIndex(Collection<Op> ops) {
        Map<Long, Op> byIndex = new LinkedHashMap<>();
        ops.forEach(op -> byIndex.putIfAbsent(op.index(), op));
        return byIndex.values().stream()
                .sorted(Comparator.comparingLong(Op::index))
                .limit(MAX_OPS)
                .toList();
    }
}
