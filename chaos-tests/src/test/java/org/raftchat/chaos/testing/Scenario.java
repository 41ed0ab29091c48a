package org.raftchat.chaos.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.raftchat.chaos.checker.Checker;
import org.raftchat.chaos.checker.Verdict;
import org.raftchat.chaos.history.History;
import org.raftchat.chaos.history.HistoryData;
import org.raftchat.chaos.history.Op;
import org.raftchat.chaos.history.OpFunction;
import org.raftchat.chaos.history.OpPair;
import org.raftchat.chaos.history.SubscriberEvent;

/**
 * Builds hand-made histories for tests: a {@link History} on a fake clock that advances 1 ms
 * every time it is read, so every record gets its own time, plus one-line helpers for the
 * operations the tests need.
 */
public final class Scenario {

    public static final List<String> NODES = List.of("n1", "n2", "n3");
    public static final String ROOM = "lobby";
    public static final long TICK_NANOS = 1_000_000;

    private final AtomicLong clockNanos = new AtomicLong();
    public final History history = new History(() -> clockNanos.getAndAdd(TICK_NANOS));

    /** Moves the clock forward, as if nothing happened for a while. */
    public Scenario idle(long millis) {
        clockNanos.addAndGet(millis * 1_000_000);
        return this;
    }

    public Op invokePost(int process, String key) {
        return history.invoke(process, OpFunction.POST, ROOM, "n1", key);
    }

    public OpPair okPost(int process, String key, long seq) {
        Op invoke = invokePost(process, key);
        return new OpPair(invoke, history.okPost(invoke, seq));
    }

    public OpPair failedPost(int process, String key) {
        Op invoke = invokePost(process, key);
        return new OpPair(invoke, history.fail(invoke, "INVALID_ARGUMENT: text too long"));
    }

    public OpPair infoPost(int process, String key) {
        Op invoke = invokePost(process, key);
        return new OpPair(invoke, history.info(invoke, "DEADLINE_EXCEEDED"));
    }

    public Op invokeRead(int process, String node) {
        return history.invoke(process, OpFunction.READ, ROOM, node, null);
    }

    public OpPair completeRead(Op invoke, String... keys) {
        return new OpPair(invoke, history.okRead(invoke, List.of(keys), keys.length));
    }

    public OpPair okRead(int process, String node, String... keys) {
        return completeRead(invokeRead(process, node), keys);
    }

    public void connect(int subscriber, String node, long afterSeq) {
        history.subscriberEvent(subscriber, node, ROOM, SubscriberEvent.CONNECT, afterSeq, null);
    }

    public void disconnect(int subscriber, String node, long lastSeq) {
        history.subscriberEvent(subscriber, node, ROOM, SubscriberEvent.DISCONNECT, lastSeq, "UNAVAILABLE");
    }

    public void deliver(int subscriber, String node, long seq, String key) {
        history.delivery(subscriber, node, ROOM, seq, key);
    }

    /** The same final read, seqs 1..n, on every node. */
    public void finalReads(String... keys) {
        NODES.forEach(node -> finalRead(node, keys));
    }

    public void finalRead(String node, String... keys) {
        history.finalRead(node, ROOM, List.of(keys), LongStream.rangeClosed(1, keys.length).boxed().toList());
    }

    public HistoryData data() {
        return history.snapshot();
    }

    public Verdict check() {
        return Checker.check(data());
    }

    /** Both ops of each pair, for asserting which ops an anomaly names. */
    public static List<Op> ops(OpPair... pairs) {
        List<Op> ops = new ArrayList<>();
        for (OpPair p : pairs) {
            ops.addAll(p.ops());
        }
        return ops;
    }
}
