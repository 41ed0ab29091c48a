package org.raftchat.chaos.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The recorder the workload's client, subscriber and nemesis threads write into while a run
 * is under way.
 *
 * <p>Thread safety: every method may be called from any thread. Each record is stamped with
 * its time and (for ops) its index under one lock, so index order is real-time order and the
 * checker can use it as the happens-before relation between operations.
 *
 * <p>Each process runs one operation at a time: {@link #invoke} while the process still has an
 * open operation, or completing anything but the process' open operation, throws
 * {@link IllegalStateException}. A workload thread that gives up on an operation records it as
 * {@link #info} (unknown) before invoking the next one.
 */
public final class History {

    private final LongSupplier clockNanos;
    private final long startNanos;

    private final List<Op> ops = new ArrayList<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<SubscriberEvent> subscriberEvents = new ArrayList<>();
    private final List<FaultWindow> faults = new ArrayList<>();
    private final List<FinalRead> finalReads = new ArrayList<>();
    private final Map<Integer, Op> openByProcess = new HashMap<>();
    private final Map<Long, FaultHandle> openFaults = new LinkedHashMap<>();
    private long nextFaultId;
    private long completedOps;
    private long acknowledged;

    /** A recorder on {@link System#nanoTime()}; time 0 is now. */
    public History() {
        this(System::nanoTime);
    }

    /**
     * A recorder on the given monotonic clock (tests and replays); time 0 is the clock's
     * current value.
     */
    public History(LongSupplier clockNanos) {
        this.clockNanos = Objects.requireNonNull(clockNanos, "clockNanos");
        this.startNanos = clockNanos.getAsLong();
    }

    /** Nanoseconds since this recorder was created. */
    public synchronized long now() {
        return clockNanos.getAsLong() - startNanos;
    }

    /**
     * Records that {@code process} is about to send a request.
     *
     * @param node the node the request goes to
     * @param key  for a POST the message text (= idempotency key); null for a READ
     * @return the invocation, to be passed to exactly one of ok / fail / info
     */
    public synchronized Op invoke(int process, OpFunction f, String room, String node, String key) {
        if (openByProcess.containsKey(process)) {
            throw new IllegalStateException(
                    "process " + process + " still has an open op: " + openByProcess.get(process).brief());
        }
        Op op = new Op(ops.size(), process, OpType.INVOKE, f, room, node, now(), key, null, null, null, null);
        ops.add(op);
        openByProcess.put(process, op);
        return op;
    }

    /**
     * Records a successful completion.
     *
     * @param seq         for a POST: the seq the server assigned (required)
     * @param readKeys    for a READ: the keys in seq order (required)
     * @param readLastSeq for a READ: the last seq the server reported
     */
    public synchronized Op ok(Op invoke, Long seq, List<String> readKeys, Long readLastSeq) {
        if (invoke.f() == OpFunction.POST && seq == null) {
            throw new IllegalArgumentException("an OK POST needs its seq: " + invoke.brief());
        }
        if (invoke.f() == OpFunction.READ && readKeys == null) {
            throw new IllegalArgumentException("an OK READ needs its keys: " + invoke.brief());
        }
        return complete(invoke, OpType.OK, seq, readKeys, readLastSeq, null);
    }

    /** Shorthand for {@link #ok} of a POST. */
    public Op okPost(Op invoke, long seq) {
        return ok(invoke, seq, null, null);
    }

    /** Shorthand for {@link #ok} of a READ. */
    public Op okRead(Op invoke, List<String> readKeys, long readLastSeq) {
        return ok(invoke, null, readKeys, readLastSeq);
    }

    /** Records that the operation definitely did not take effect. */
    public synchronized Op fail(Op invoke, String error) {
        return complete(invoke, OpType.FAIL, null, null, null, error);
    }

    /** Records that the operation's outcome is unknown (it may or may not have taken effect). */
    public synchronized Op info(Op invoke, String error) {
        return complete(invoke, OpType.INFO, null, null, null, error);
    }

    /** Records one message pushed to a subscriber, stamped now. */
    public synchronized Delivery delivery(int subscriber, String node, String room, long seq, String key) {
        Delivery d = new Delivery(subscriber, node, room, seq, key, now());
        deliveries.add(d);
        return d;
    }

    /**
     * Records a subscriber's stream opening or ending.
     *
     * @param kind {@link SubscriberEvent#CONNECT} or {@link SubscriberEvent#DISCONNECT}
     */
    public synchronized SubscriberEvent subscriberEvent(
            int subscriber, String node, String room, String kind, long afterSeq, String error) {
        SubscriberEvent e = new SubscriberEvent(subscriber, node, room, kind, afterSeq, now(), error);
        subscriberEvents.add(e);
        return e;
    }

    /** Records that a nemesis started a fault; heal it with {@link #faultEnd}. */
    public synchronized FaultHandle faultStart(String nemesis, String description) {
        FaultHandle handle = new FaultHandle(nextFaultId++, nemesis, description, now());
        openFaults.put(handle.id(), handle);
        return handle;
    }

    /** Records that the fault was healed; each handle ends once. */
    public synchronized FaultWindow faultEnd(FaultHandle handle) {
        if (openFaults.remove(handle.id()) == null) {
            throw new IllegalStateException("fault not open: " + handle);
        }
        FaultWindow window = new FaultWindow(handle.nemesis(), handle.description(), handle.startNanos(), now());
        faults.add(window);
        return window;
    }

    /** Records the final whole-room read on one node. */
    public FinalRead finalRead(String node, String room, List<String> keys, List<Long> seqs) {
        return finalRead(node, room, keys, seqs, List.of());
    }

    /** Records the final whole-room read on one node, with each message's stored timestamp. */
    public synchronized FinalRead finalRead(String node, String room, List<String> keys, List<Long> seqs, List<Long> timestampsMs) {
        FinalRead read = new FinalRead(node, room, keys, seqs, timestampsMs);
        finalReads.add(read);
        return read;
    }

    public synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    public synchronized List<SubscriberEvent> subscriberEvents() {
        return List.copyOf(subscriberEvents);
    }

    /**
     * Fault windows in start order. A fault still open appears as ending now, so a run that
     * aborts mid-fault still shows it.
     */
    public synchronized List<FaultWindow> faults() {
        long now = now();
        List<FaultWindow> all = new ArrayList<>(faults);
        for (FaultHandle open : openFaults.values()) {
            all.add(new FaultWindow(open.nemesis(), open.description(), open.startNanos(), now));
        }
        all.sort(Comparator.comparingLong(FaultWindow::startNanos));
        return List.copyOf(all);
    }

    public synchronized List<FinalRead> finalReads() {
        return List.copyOf(finalReads);
    }

    /** Counts and open faults for the live progress line; cheap (no copy of the history). */
    public synchronized Progress progress() {
        return new Progress(now(), completedOps, acknowledged, List.copyOf(openFaults.values()));
    }

    /** A consistent, immutable copy of everything recorded so far. */
    public synchronized HistoryData snapshot() {
        return new HistoryData(ops, deliveries, subscriberEvents, faults(), finalReads);
    }

    private Op complete(Op invoke, OpType type, Long seq, List<String> readKeys, Long readLastSeq, String error) {
        Op open = openByProcess.get(invoke.process());
        if (open == null || open.index() != invoke.index()) {
            throw new IllegalStateException("not the open op of process " + invoke.process() + ": " + invoke.brief());
        }
        openByProcess.remove(invoke.process());
        Op op = new Op(ops.size(), invoke.process(), type, invoke.f(), invoke.room(), invoke.node(), now(),
                invoke.key(), seq, readKeys, readLastSeq, error);
        ops.add(op);
        completedOps++;
        acknowledged += type == OpType.OK && invoke.f() == OpFunction.POST ? 1 : 0;
        return op;
    }
}
