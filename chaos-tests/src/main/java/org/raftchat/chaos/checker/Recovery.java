package org.raftchat.chaos.checker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.raftchat.chaos.history.FaultWindow;
import org.raftchat.chaos.history.HistoryData;
import org.raftchat.chaos.history.OpFunction;
import org.raftchat.chaos.history.OpPair;

/**
 * Recovery time as clients see it: from a fault's start (and from its heal) to the first
 * acknowledged write that a client invoked at or after that moment, i.e. how long a client that
 * starts writing when the fault hits (or is healed) waits for its write to be acknowledged,
 * retries and leader redirects included. Per window, and summarised per nemesis.
 */
public final class Recovery {

    private Recovery() {
    }

    /**
     * @param fromStartMillis to the first acknowledged write invoked at or after the start; null if none was
     * @param fromHealMillis  to the first acknowledged write invoked at or after the heal; null if none was
     */
    public record WindowRecovery(FaultWindow window, Long fromStartMillis, Long fromHealMillis) {
    }

    /**
     * One nemesis' windows: how many, percentiles of the recovery times (nearest rank), and how
     * many windows saw no acknowledged write afterwards at all.
     */
    public record NemesisRecovery(String nemesis, int windows, Long p50FromStartMillis, Long p99FromStartMillis,
                                  Long maxFromStartMillis, Long p50FromHealMillis, Long p99FromHealMillis,
                                  Long maxFromHealMillis, int neverRecovered) {
    }

    public static List<WindowRecovery> perWindow(HistoryData data) {
        List<OpPair> acked = data.pairs().stream()
                .filter(p -> p.invoke().f() == OpFunction.POST && p.succeeded()).toList();
        List<WindowRecovery> out = new ArrayList<>();
        for (FaultWindow w : data.faults()) {
            out.add(new WindowRecovery(w, firstAckInvokedFrom(acked, w.startNanos()), firstAckInvokedFrom(acked, w.endNanos())));
        }
        return List.copyOf(out);
    }

    /** Per nemesis, in the order each first appears. */
    public static List<NemesisRecovery> perNemesis(HistoryData data) {
        Map<String, List<WindowRecovery>> byNemesis = new LinkedHashMap<>();
        perWindow(data).forEach(w -> byNemesis.computeIfAbsent(w.window().nemesis(), n -> new ArrayList<>()).add(w));
        List<NemesisRecovery> out = new ArrayList<>();
        byNemesis.forEach((nemesis, windows) -> {
            List<Long> fromStart = windows.stream().map(WindowRecovery::fromStartMillis).filter(v -> v != null).sorted().toList();
            List<Long> fromHeal = windows.stream().map(WindowRecovery::fromHealMillis).filter(v -> v != null).sorted().toList();
            int never = (int) windows.stream().filter(w -> w.fromHealMillis() == null).count();
            out.add(new NemesisRecovery(nemesis, windows.size(), rank(fromStart, 50), rank(fromStart, 99), rank(fromStart, 100),
                    rank(fromHeal, 50), rank(fromHeal, 99), rank(fromHeal, 100), never));
        });
        return List.copyOf(out);
    }

    /** The table as plain text, for the run's log and the README. */
    public static String table(List<NemesisRecovery> rows) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-20s %7s %28s %28s %5s%n", "nemesis", "windows",
                "from start p50/p99/max ms", "from heal p50/p99/max ms", "never"));
        for (NemesisRecovery r : rows) {
            out.append(String.format(Locale.ROOT, "%-20s %7d %28s %28s %5d%n", r.nemesis(), r.windows(),
                    triple(r.p50FromStartMillis(), r.p99FromStartMillis(), r.maxFromStartMillis()),
                    triple(r.p50FromHealMillis(), r.p99FromHealMillis(), r.maxFromHealMillis()), r.neverRecovered()));
        }
        return out.toString();
    }

    private static String triple(Long a, Long b, Long c) {
        return (a == null ? "-" : a) + " / " + (b == null ? "-" : b) + " / " + (c == null ? "-" : c);
    }

    /** Nearest-rank percentile of sorted values; null when there are none. */
    static Long rank(List<Long> sorted, int percentile) {
        if (sorted.isEmpty()) {
            return null;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static Long firstAckInvokedFrom(List<OpPair> acked, long fromNanos) {
        long best = Long.MAX_VALUE;
        for (OpPair p : acked) {
            if (p.invoke().timeNanos() >= fromNanos) {
                best = Math.min(best, p.completion().timeNanos());
            }
        }
        return best == Long.MAX_VALUE ? null : (best - fromNanos) / 1_000_000;
    }
}
