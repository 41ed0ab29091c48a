package org.raftchat.chaos.checker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.raftchat.chaos.history.FaultWindow;
import org.raftchat.chaos.history.HistoryData;
import org.raftchat.chaos.history.OpFunction;
import org.raftchat.chaos.history.OpPair;

/**
 * Write availability per fault: what share of the POSTs invoked during a fault succeeded, and
 * how long after the fault began the first write succeeded. A Raft cluster is expected to lose
 * writes only while no majority can elect a leader; this shows how long that lasted.
 */
public final class Availability {

    /** The nemesis name of the window that covers the whole run. */
    public static final String WHOLE_RUN = "whole-run";

    private Availability() {
    }

    /**
     * One entry per fault window in start order, followed by one for the whole run (a window
     * named {@link #WHOLE_RUN} from 0 to the last recorded event).
     */
    public static List<FaultStats> compute(HistoryData data) {
        List<OpPair> posts = data.pairs().stream().filter(p -> p.invoke().f() == OpFunction.POST).toList();
        long[] okTimes = okCompletionTimes(posts);
        List<FaultStats> stats = new ArrayList<>();
        for (FaultWindow window : data.faults()) {
            stats.add(stats(window, posts, okTimes));
        }
        stats.add(stats(new FaultWindow(WHOLE_RUN, "the whole run", 0, data.endNanos()), posts, okTimes));
        return List.copyOf(stats);
    }

    private static FaultStats stats(FaultWindow window, List<OpPair> posts, long[] okTimes) {
        int invoked = 0;
        int ok = 0;
        for (OpPair post : posts) {
            if (window.covers(post.invoke().timeNanos())) {
                invoked++;
                ok += post.succeeded() ? 1 : 0;
            }
        }
        double share = invoked == 0 ? Double.NaN : (double) ok / invoked;
        return new FaultStats(window, invoked, ok, share, firstOkAfter(okTimes, window.startNanos()));
    }

    /** Sorted completion times of the OK POSTs. */
    private static long[] okCompletionTimes(List<OpPair> posts) {
        return posts.stream().filter(OpPair::succeeded).mapToLong(p -> p.completion().timeNanos()).sorted().toArray();
    }

    /** Milliseconds from {@code startNanos} to the first OK completion at or after it, or null. */
    private static Long firstOkAfter(long[] okTimes, long startNanos) {
        int i = Arrays.binarySearch(okTimes, startNanos);
        // Not found: the insertion point is the first later completion. Found: any equal
        // element is as good as the first, the distance is 0 either way.
        i = i < 0 ? -i - 1 : i;
        return i < okTimes.length ? (okTimes[i] - startNanos) / 1_000_000 : null;
    }
}
