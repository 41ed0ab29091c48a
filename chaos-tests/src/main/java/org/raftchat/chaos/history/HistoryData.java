package org.raftchat.chaos.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.SortedSet;

/**
 * An immutable snapshot of everything a run recorded: what the checker, the availability
 * computation and the report read, and what {@link HistoryFiles} stores.
 *
 * <p>An instance is well formed: op indexes strictly increase, op times never decrease, and
 * every completion follows an open invocation of the same process, function, room and key.
 * A malformed history is a bug in the recorder or the workload and is rejected here.
 *
 * @param ops              invocations and completions in index order
 * @param deliveries       subscriber deliveries in arrival order
 * @param subscriberEvents connects and disconnects in record order
 * @param faults           fault windows in start order
 * @param finalReads       the final whole-room reads, one per (node, room) that answered
 */
public record HistoryData(
        List<Op> ops,
        List<Delivery> deliveries,
        List<SubscriberEvent> subscriberEvents,
        List<FaultWindow> faults,
        List<FinalRead> finalReads) {

    public HistoryData {
        ops = List.copyOf(ops);
        deliveries = List.copyOf(deliveries);
        subscriberEvents = List.copyOf(subscriberEvents);
        faults = List.copyOf(faults);
        finalReads = List.copyOf(finalReads);
        requireOrdered(ops);
        pair(ops);
    }

    public static HistoryData empty() {
        return new HistoryData(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /**
     * Every invocation with its completion (null if it never completed), in invocation order.
     */
    public List<OpPair> pairs() {
        return pair(ops);
    }

    /** All rooms mentioned anywhere in the history, sorted. */
    public SortedSet<String> rooms() {
        SortedSet<String> rooms = new TreeSet<>();
        ops.forEach(op -> rooms.add(op.room()));
        deliveries.forEach(d -> rooms.add(d.room()));
        subscriberEvents.forEach(e -> rooms.add(e.room()));
        finalReads.forEach(r -> rooms.add(r.room()));
        return rooms;
    }

    /** The time of the last recorded event (0 for an empty history): the length of the run. */
    public long endNanos() {
        long end = 0;
        for (Op op : ops) {
            end = Math.max(end, op.timeNanos());
        }
        for (Delivery d : deliveries) {
            end = Math.max(end, d.timeNanos());
        }
        for (SubscriberEvent e : subscriberEvents) {
            end = Math.max(end, e.timeNanos());
        }
        for (FaultWindow w : faults) {
            end = Math.max(end, w.endNanos());
        }
        return end;
    }

    private static void requireOrdered(List<Op> ops) {
        for (int i = 1; i < ops.size(); i++) {
            Op prev = ops.get(i - 1);
            Op op = ops.get(i);
            if (op.index() <= prev.index()) {
                throw new IllegalArgumentException("op indexes must increase: " + prev.brief() + " then " + op.brief());
            }
            // The checker orders events by index; that is only real-time order if time agrees.
            if (op.timeNanos() < prev.timeNanos()) {
                throw new IllegalArgumentException("op times must not decrease: " + prev.brief() + " then " + op.brief());
            }
        }
    }

    /** Pairs completions with invocations; throws on a completion that has no open invocation. */
    private static List<OpPair> pair(List<Op> ops) {
        Map<Integer, Integer> openByProcess = new HashMap<>();
        List<Op> invokes = new ArrayList<>();
        List<Op> completions = new ArrayList<>();
        for (Op op : ops) {
            if (op.type() == OpType.INVOKE) {
                requireNotOpen(openByProcess, op);
                openByProcess.put(op.process(), invokes.size());
                invokes.add(op);
                completions.add(null);
            } else {
                Integer slot = openByProcess.remove(op.process());
                requireMatches(slot == null ? null : invokes.get(slot), op);
                completions.set(slot, op);
            }
        }
        List<OpPair> pairs = new ArrayList<>(invokes.size());
        for (int i = 0; i < invokes.size(); i++) {
            pairs.add(new OpPair(invokes.get(i), completions.get(i)));
        }
        return pairs;
    }

    private static void requireNotOpen(Map<Integer, Integer> openByProcess, Op invoke) {
        if (openByProcess.containsKey(invoke.process())) {
            throw new IllegalArgumentException(
                    "process " + invoke.process() + " invoked " + invoke.brief() + " while another op was open");
        }
    }

    private static void requireMatches(Op invoke, Op completion) {
        if (invoke == null) {
            throw new IllegalArgumentException("completion without an open invocation: " + completion.brief());
        }
        boolean same = invoke.f() == completion.f()
                && invoke.room().equals(completion.room())
                && Objects.equals(invoke.key(), completion.key());
        if (!same) {
            throw new IllegalArgumentException(
                    "completion " + completion.brief() + " does not match its invocation " + invoke.brief());
        }
    }
}
