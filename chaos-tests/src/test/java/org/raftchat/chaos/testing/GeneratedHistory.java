package org.raftchat.chaos.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.raftchat.chaos.history.FaultHandle;
import org.raftchat.chaos.history.History;
import org.raftchat.chaos.history.HistoryData;
import org.raftchat.chaos.history.Op;
import org.raftchat.chaos.history.OpFunction;
import org.raftchat.chaos.history.SubscriberEvent;

/**
 * Simulates a correct RaftChat under concurrent clients and produces its history: one log per
 * room; every operation takes effect atomically at a random moment between its invocation and
 * its completion (its linearization point). POSTs succeed, fail before taking effect, or time
 * out (INFO) after taking effect or not; INFO writes are sometimes retried with the same key
 * and then return the original seq. Subscribers follow their room in order and reconnect to
 * random nodes, resuming after the last seq they saw. Some operations are still open at the
 * end. Whatever the seed, the result is a valid history.
 */
public final class GeneratedHistory {

    private static final int PROCESSES = 8;
    private static final int SUBSCRIBERS = 3;
    private static final List<String> ROOMS = List.of("r0", "r1", "r2");
    private static final List<String> NODES = Scenario.NODES;

    private final Random random;
    private final AtomicLong clock = new AtomicLong();
    private final History history;
    private final Map<String, List<String>> logs = new HashMap<>();
    private final Pending[] pending = new Pending[PROCESSES];
    private final Retry[] retries = new Retry[PROCESSES];
    private final Follower[] followers = new Follower[SUBSCRIBERS];
    private FaultHandle openFault;
    private int nextKey;

    private enum Plan { OK, FAIL, INFO_APPLIED, INFO_NOT_APPLIED }

    /** A POST with an unknown outcome that its process will repeat, same key, same room. */
    private record Retry(String key, String room) {
    }

    /** An open operation: its invocation, what will happen, and its result once linearized. */
    private static final class Pending {
        final Op invoke;
        final Plan plan;
        boolean linearized;
        long seq;
        List<String> readKeys;

        Pending(Op invoke, Plan plan) {
            this.invoke = invoke;
            this.plan = plan;
        }
    }

    /** A subscriber's position in its room. */
    private static final class Follower {
        final String room;
        String node;
        long lastSeq;

        Follower(String room, String node, long lastSeq) {
            this.room = room;
            this.node = node;
            this.lastSeq = lastSeq;
        }
    }

    private GeneratedHistory(long seed) {
        this.random = new Random(seed);
        // Random steps of 0.1..5 ms keep times realistic but distinct enough to plot.
        this.history = new History(() -> clock.getAndAdd(100_000 + random.nextInt(4_900_000)));
        ROOMS.forEach(room -> logs.put(room, new ArrayList<>()));
    }

    /** A valid history of about {@code steps} scheduling steps. */
    public static HistoryData generate(long seed, int steps) {
        GeneratedHistory g = new GeneratedHistory(seed);
        g.startSubscribers();
        for (int i = 0; i < steps; i++) {
            g.step();
        }
        g.finish();
        return g.history.snapshot();
    }

    private void startSubscribers() {
        for (int s = 0; s < SUBSCRIBERS; s++) {
            String room = ROOMS.get(s % ROOMS.size());
            followers[s] = new Follower(room, pick(NODES), 0);
            history.subscriberEvent(s, followers[s].node, room, SubscriberEvent.CONNECT, 0, null);
        }
    }

    private void step() {
        int dice = random.nextInt(100);
        if (dice < 70) {
            stepProcess(random.nextInt(PROCESSES));
        } else if (dice < 99) {
            stepSubscriber(followers[random.nextInt(SUBSCRIBERS)]);
        } else {
            stepNemesis();
        }
    }

    private void stepProcess(int process) {
        Pending p = pending[process];
        if (p == null) {
            pending[process] = invoke(process);
        } else if (!p.linearized && needsLinearization(p.plan)) {
            linearize(p);
        } else {
            complete(p);
            pending[process] = null;
        }
    }

    private Pending invoke(int process) {
        String room = pick(ROOMS);
        String node = pick(NODES);
        if (random.nextInt(10) < 3) {
            return new Pending(history.invoke(process, OpFunction.READ, room, node, null), Plan.OK);
        }
        Retry retry = retries[process];
        retries[process] = null;
        // A retry repeats the same message: same key, same room.
        String key = retry != null ? retry.key() : "m" + nextKey++;
        room = retry != null ? retry.room() : room;
        return new Pending(history.invoke(process, OpFunction.POST, room, node, key), postPlan());
    }

    private Plan postPlan() {
        int dice = random.nextInt(100);
        return dice < 80 ? Plan.OK : dice < 87 ? Plan.FAIL : dice < 93 ? Plan.INFO_APPLIED : Plan.INFO_NOT_APPLIED;
    }

    private static boolean needsLinearization(Plan plan) {
        return plan == Plan.OK || plan == Plan.INFO_APPLIED;
    }

    /** The operation takes effect now. A POST whose key is already stored (a retry) takes the stored seq. */
    private void linearize(Pending p) {
        List<String> log = logs.get(p.invoke.room());
        if (p.invoke.f() == OpFunction.READ) {
            p.readKeys = List.copyOf(log);
        } else if (log.contains(p.invoke.key())) {
            p.seq = log.indexOf(p.invoke.key()) + 1;
        } else {
            log.add(p.invoke.key());
            p.seq = log.size();
        }
        p.linearized = true;
    }

    private void complete(Pending p) {
        switch (p.plan) {
            case OK -> completeOk(p);
            case FAIL -> history.fail(p.invoke, "INVALID_ARGUMENT");
            case INFO_APPLIED, INFO_NOT_APPLIED -> completeInfo(p);
        }
    }

    private void completeOk(Pending p) {
        if (p.invoke.f() == OpFunction.READ) {
            history.okRead(p.invoke, p.readKeys, p.readKeys.size());
        } else {
            history.okPost(p.invoke, p.seq);
        }
    }

    private void completeInfo(Pending p) {
        history.info(p.invoke, "DEADLINE_EXCEEDED");
        if (random.nextBoolean()) {
            retries[p.invoke.process()] = new Retry(p.invoke.key(), p.invoke.room());
        }
    }

    private void stepSubscriber(Follower f) {
        int subscriber = List.of(followers).indexOf(f);
        if (random.nextInt(10) == 0) {
            history.subscriberEvent(subscriber, f.node, f.room, SubscriberEvent.DISCONNECT, f.lastSeq, "UNAVAILABLE");
            f.node = pick(NODES);
            history.subscriberEvent(subscriber, f.node, f.room, SubscriberEvent.CONNECT, f.lastSeq, null);
            return;
        }
        List<String> log = logs.get(f.room);
        if (f.lastSeq < log.size()) {
            f.lastSeq++;
            history.delivery(subscriber, f.node, f.room, f.lastSeq, log.get((int) f.lastSeq - 1));
        }
    }

    private void stepNemesis() {
        if (openFault == null) {
            String node = pick(NODES);
            openFault = history.faultStart(random.nextBoolean() ? "partition" : "kill", "target " + node);
        } else {
            history.faultEnd(openFault);
            openFault = null;
        }
    }

    /** Heals, leaves the still-open operations open (unknown), and takes the final reads. */
    private void finish() {
        if (openFault != null) {
            history.faultEnd(openFault);
        }
        for (String room : ROOMS) {
            List<String> log = logs.get(room);
            List<Long> seqs = LongStream.rangeClosed(1, log.size()).boxed().toList();
            NODES.forEach(node -> history.finalRead(node, room, log, seqs));
        }
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
