package org.raftchat.chaos.history;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Interleaves the time-stamped lists of a history into one time-ordered sequence of lines.
 *
 * <p>A k-way merge, not a sort: each list keeps its own order even where its times are not
 * monotonic (a hand-made history may have that), which is what makes the file round-trip.
 */
final class TimeOrder {

    private TimeOrder() {
    }

    static List<HistoryFiles.Line> merge(HistoryData data) {
        List<List<HistoryFiles.Line>> sources = List.of(
                lines(HistoryFiles.FAULT, data.faults(), FaultWindow::startNanos),
                lines(HistoryFiles.OP, data.ops(), Op::timeNanos),
                lines(HistoryFiles.SUBSCRIBER, data.subscriberEvents(), SubscriberEvent::timeNanos),
                lines(HistoryFiles.DELIVERY, data.deliveries(), Delivery::timeNanos));
        List<HistoryFiles.Line> merged = new ArrayList<>();
        int[] next = new int[sources.size()];
        int source;
        while ((source = earliest(sources, next)) >= 0) {
            merged.add(sources.get(source).get(next[source]++));
        }
        // Final reads have no time: they were taken after the run and go last.
        merged.addAll(lines(HistoryFiles.FINAL, data.finalReads(), r -> Long.MAX_VALUE));
        return merged;
    }

    /** The source whose next line is earliest; ties go to the earlier source. -1 when all are done. */
    private static int earliest(List<List<HistoryFiles.Line>> sources, int[] next) {
        int best = -1;
        long bestTime = Long.MAX_VALUE;
        for (int i = 0; i < sources.size(); i++) {
            List<HistoryFiles.Line> lines = sources.get(i);
            if (next[i] < lines.size() && (best < 0 || lines.get(next[i]).timeNanos() < bestTime)) {
                best = i;
                bestTime = lines.get(next[i]).timeNanos();
            }
        }
        return best;
    }

    private static <T> List<HistoryFiles.Line> lines(String kind, List<T> values, ToLongFunction<T> time) {
        List<HistoryFiles.Line> lines = new ArrayList<>(values.size());
        for (T value : values) {
            lines.add(new HistoryFiles.Line(kind, time.applyAsLong(value), value));
        }
        return lines;
    }
}
