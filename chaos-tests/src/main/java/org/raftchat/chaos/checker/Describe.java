package org.raftchat.chaos.checker;

import java.util.List;
import java.util.Locale;

/** Small formatting helpers for anomaly descriptions. */
final class Describe {

    private Describe() {
    }

    /** Nanoseconds since the start of the run as seconds, e.g. {@code 12.345s}. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3fs", nanos / 1e9);
    }

    /** {@code 'a', 'b', 'c' and 7 more}: a bounded list of keys. */
    static String keys(List<String> keys) {
        List<String> shown = keys.stream().limit(Anomalies.MAX_KEYS_LISTED).map(k -> "'" + k + "'").toList();
        String listed = String.join(", ", shown);
        int rest = keys.size() - shown.size();
        return rest > 0 ? listed + " and " + rest + " more" : listed;
    }
}
