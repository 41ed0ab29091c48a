package org.raftchat.chaos.checker;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checker's answer for one run.
 *
 * @param valid     true iff {@code anomalies} is empty
 * @param counts    operation totals ({@code operations, posts, reads, acknowledged, failed,
 *                  unknown, deliveries}) followed by one count per {@link AnomalyKind#countKey()},
 *                  in a stable order
 * @param anomalies every anomaly found, grouped by room and check
 */
public record Verdict(boolean valid, Map<String, Integer> counts, List<Anomaly> anomalies) {

    public Verdict {
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        anomalies = List.copyOf(anomalies);
        if (valid != anomalies.isEmpty()) {
            throw new IllegalArgumentException("valid must be true iff there are no anomalies");
        }
    }

    /** A verdict that is valid iff {@code anomalies} is empty. */
    public static Verdict of(Map<String, Integer> counts, List<Anomaly> anomalies) {
        return new Verdict(anomalies.isEmpty(), counts, anomalies);
    }

    /** The anomalies of one kind, e.g. {@code anomaliesOfKind(AnomalyKind.LOST)}. */
    public List<Anomaly> anomaliesOfKind(AnomalyKind kind) {
        return anomalies.stream().filter(a -> a.kind().equals(kind.label())).toList();
    }
}
