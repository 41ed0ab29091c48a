package org.raftchat.node;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.Task;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.raftchat.node.metrics.EntryTrigger;
import org.raftchat.node.metrics.NodeMetrics;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.CommandBatch;
import org.raftchat.statemachine.ApplyResult;

/**
 * Proposes commands to the Raft log on the leader, grouping the commands that queue up while the
 * previous group is being handed to SOFAJRaft into one log entry (group commit). Under load that
 * turns N entries into one: one encode, one log record, one replicated entry and one apply
 * callback instead of N; a lone command still goes out at once, as an entry of its own. Each
 * command is stamped with the leader's clock when it arrives; the state machine keeps time monotonic.
 *
 * <p>The returned future completes with the command's applied result once its entry is committed
 * on a majority and applied on this node, or fails with a gRPC status: FAILED_PRECONDITION (not the
 * leader, nothing proposed), RESOURCE_EXHAUSTED (queue full, nothing proposed) or UNAVAILABLE (the
 * outcome is unknown; the client retries with the same idempotency key).
 *
 * <p>At most {@code maxEntriesInFlight} entries are between {@code node.apply} and their outcome at
 * a time; commands that arrive while that window is full wait and go out together when an entry
 * finishes. An entry whose outcome never arrives gives its place back at the proposal timeout.
 *
 * <p>Under concurrent load a group also waits until {@code groupLinger} has passed since the previous
 * entry went out, unless it is full, the burst is back, or no command has arrived for the quiet time.
 * Each entry costs 1.5-3 ms of CPU over three nodes on a 2-core machine (AppendEntries RPCs, an fsync
 * on every replica, an apply callback each) whatever it carries; at 2,000 writes/s, entries of 6
 * commands spent more CPU on entries than on messages and queued the machine (docs/performance.md).
 * Below the busy rate, a group goes out as soon as as many commands have arrived as the finished
 * entries answered since the count last started: the closed-loop clients they answered have all
 * written again, and waiting longer only adds latency. Other writes wait for {@code groupQuiet} without
 * an arrival: 3 ms, as closed-loop bursts no longer need a short one to end, and at 500 independent
 * writes/s it halved the entries (rounds 22 and 23). In a busy stream (writes came faster than
 * {@code busyWritesPerSecond} over the last 20 ms or more) the quiet time is six mean gaps between
 * the waiting writes' arrivals, at least {@code busyMinGroupQuiet} and at most {@code busyGroupQuiet}:
 * at 2,000 independent writes/s a 1 ms gap came by chance every few milliseconds and cut entries
 * short (190 entries/s, where the 10 ms linger alone allows 100), while a closed-loop burst, whose
 * writes come back to back, still ends after {@code busyMinGroupQuiet}; there, ending a group as soon
 * as the answered clients were back made smaller entries and cost more (round 22). A lone command on
 * an idle leader never waits: nothing is in flight and nothing else is queued, so closed-loop and
 * low-rate latency stay one round trip.
 *
 * <p>Thread-safe. Groups are built and submitted on one {@code submitter} thread, so commands keep
 * their arrival order. Timeouts are enforced by one periodic sweep over the proposals in flight,
 * oldest first, while any are, rather than a timer task per proposal: scheduling and cancelling a
 * task costs a lock and a wake-up per write, and every proposal has the same timeout.
 */
final class Proposer {

    /** How long the submitter counts commands before it decides again whether the stream is busy. */
    private static final long RATE_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Node node;
    private final LongSupplier leaderTerm;
    private final Supplier<LeaderHint> leaderHint;
    private final Duration proposalTimeout;
    private final int maxCommandsPerEntry;
    private final int maxBytesPerEntry;
    private final int maxEntriesInFlight;
    private final long groupLingerNanos;
    private final QuietRule quietRule;
    private final Executor submitter;
    private final ScheduledExecutorService timer;
    private final Queue<Pending> queued = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean submitting = new AtomicBoolean();
    private final Queue<Pending> inFlight = new ConcurrentLinkedQueue<>();
    /** Entries handed to SOFAJRaft whose outcome is not known yet, oldest first. */
    private final Queue<Entry> entriesInFlight = new ConcurrentLinkedQueue<>();
    private final AtomicInteger openEntries = new AtomicInteger();
    /** Commands in {@link #queued}; ConcurrentLinkedQueue.size() walks the whole queue. */
    private final AtomicInteger queuedCount = new AtomicInteger();
    /**
     * Commands answered whose clients have not written again, as far as a count can tell: each
     * answered command adds one, each arrival takes one off. The harness's closed loops write again
     * from another session, so the count is of commands, not of sessions.
     */
    private final AtomicInteger owed = new AtomicInteger();
    /** Set by the arrival that brought {@link #owed} to zero (the burst is back); cleared when a group goes out. */
    private final AtomicBoolean burstBack = new AtomicBoolean();
    /** When the last entry was handed to SOFAJRaft (System.nanoTime); written by the submitter only. */
    private volatile long lastSubmitNanos = System.nanoTime();
    /** The submitter's count of the commands sent since {@link #rateWindowStartNanos}. */
    private long rateWindowCommands;
    private long rateWindowStartNanos = System.nanoTime();
    /** Whether the last rate window saw writes faster than {@code busyWritesPerSecond}; written by the submitter only. */
    private volatile boolean busy;
    private final int busyWritesPerSecond;
    /** When the last command arrived (System.nanoTime). */
    private volatile long lastArrivalNanos = System.nanoTime();
    private final AtomicBoolean wakeUpScheduled = new AtomicBoolean();
    private final long sweepMs;
    private final AtomicBoolean sweepArmed = new AtomicBoolean();
    private final NodeMetrics metrics;

    Proposer(Node node, LongSupplier leaderTerm, Supplier<LeaderHint> leaderHint, Settings settings,
             Executor submitter, ScheduledExecutorService timer, NodeMetrics metrics) {
        this.node = node;
        this.leaderTerm = leaderTerm;
        this.leaderHint = leaderHint;
        this.proposalTimeout = settings.proposalTimeout();
        this.maxCommandsPerEntry = settings.maxCommandsPerEntry();
        this.maxBytesPerEntry = settings.maxBytesPerEntry();
        this.maxEntriesInFlight = settings.maxEntriesInFlight();
        if (maxEntriesInFlight <= 0) {
            throw new IllegalArgumentException("maxEntriesInFlight must be > 0, got " + maxEntriesInFlight);
        }
        this.groupLingerNanos = settings.groupLinger().toNanos();
        if (settings.busyWritesPerSecond() <= 0) {
            throw new IllegalArgumentException("busyWritesPerSecond must be > 0, got " + settings.busyWritesPerSecond());
        }
        this.busyWritesPerSecond = settings.busyWritesPerSecond();
        this.quietRule = new QuietRule(Math.min(settings.groupQuiet().toNanos(), groupLingerNanos),
                Math.min(settings.busyMinGroupQuiet().toNanos(), groupLingerNanos),
                Math.min(settings.busyGroupQuiet().toNanos(), groupLingerNanos));
        this.submitter = submitter;
        this.timer = timer;
        this.metrics = metrics;
        this.sweepMs = settings.timeoutSweep().toMillis();
        if (sweepMs <= 0) {
            throw new IllegalArgumentException("timeoutSweep must be > 0, got " + settings.timeoutSweep());
        }
    }

    /**
     * @param proposalTimeout      how long a proposal may take before "outcome unknown"
     * @param timeoutSweep         how often overdue proposals are looked for (the timeout's precision)
     * @param maxCommandsPerEntry  commands grouped into one log entry at most; 1 turns grouping off
     * @param maxBytesPerEntry     encoded commands in one entry at most (a bigger single command still goes alone)
     * @param maxEntriesInFlight   entries proposed and not yet answered at most; later commands wait and are grouped
     * @param groupLinger          under concurrent load, the least time between two entries unless one is full
     * @param groupQuiet           ... or unless no command has arrived for this long (below the busy rate)
     * @param busyMinGroupQuiet    the shortest quiet time a busy stream waits for (six mean gaps at least this)
     * @param busyGroupQuiet       the longest quiet time a busy stream waits for (six mean gaps at most this)
     * @param busyWritesPerSecond  the rate of writes (over 20 ms or more) from which a stream counts as busy
     */
    record Settings(Duration proposalTimeout, Duration timeoutSweep, int maxCommandsPerEntry, int maxBytesPerEntry,
                    int maxEntriesInFlight, Duration groupLinger, Duration groupQuiet, Duration busyMinGroupQuiet,
                    Duration busyGroupQuiet, int busyWritesPerSecond) {}

    CompletableFuture<ApplyResult> propose(Command.Builder command) {
        if (leaderTerm.getAsLong() < 0) {
            return CompletableFuture.failedFuture(GrpcErrors.notLeader(leaderHint.get()));
        }
        long arrivalNanos = System.nanoTime();
        Pending pending = new Pending(command.setLeaderTimeMs(System.currentTimeMillis()).build(),
                new CompletableFuture<>(), arrivalNanos, arrivalNanos + proposalTimeout.toNanos());
        long startNanos = metrics.proposalStarted();
        pending.result().whenComplete((result, error) -> metrics.proposalFinished(startNanos, error == null));
        inFlight.add(pending);
        armSweep();
        lastArrivalNanos = arrivalNanos;
        queued.add(pending);
        queuedCount.incrementAndGet();
        if (cameBack()) {
            burstBack.set(true);
        }
        if (arrivalNeedsRun()) {
            scheduleSubmit();
        }
        return pending.result();
    }

    /**
     * Whether a command that just queued needs a submitter run to go out. Not while the window is
     * full (the entry that finishes schedules the run) or while a linger wake-up is pending and the
     * command neither fills the group, nor is alone on an idle leader, nor brings the burst back (the
     * wake-up schedules the run):
     * at 2,000 writes/s, waking the submitter thread only to find it must wait was a thread hand-off
     * per write. The queue is written before these reads, and the entry or wake-up clears its state
     * before it looks at the queue, so a command is never left without a run.
     */
    private boolean arrivalNeedsRun() {
        int open = openEntries.get();
        if (open >= maxEntriesInFlight) {
            return false;
        }
        if (!wakeUpScheduled.get()) {
            return true;
        }
        return atOnce(queuedCount.get(), open) != null;
    }

    /** Counts an arrival against the answered commands; true if it was the last one owed (the burst is back). */
    private boolean cameBack() {
        while (true) {
            int n = owed.get();
            if (n == 0) {
                return false;
            }
            if (owed.compareAndSet(n, n - 1)) {
                return n == 1;
            }
        }
    }

    /** Starts a submitter run unless one is under way; called when a command queues or an entry finishes. */
    private void scheduleSubmit() {
        if (submitting.compareAndSet(false, true)) {
            try {
                submitter.execute(this::submitQueued);
            } catch (RejectedExecutionException e) {
                failAll(drain(), GrpcErrors.shuttingDown());
            }
        }
    }

    /** Runs on the submitter thread until the queue is empty or the window is full, and no other run is needed. */
    private void submitQueued() {
        while (true) {
            EntryTrigger trigger = goingOutNow();
            if (trigger != null) {
                burstBack.set(false);
                if (trigger == EntryTrigger.QUIET || trigger == EntryTrigger.LINGER) {
                    // Time ended the wait, so whoever is still owed is not coming back soon (or the
                    // stream is busy and does not count): start the count afresh.
                    owed.set(0);
                }
                List<Pending> group = nextGroup();
                long now = System.nanoTime();
                measureRate(now, group.size());
                lastSubmitNanos = now;
                metrics.entryProposed(trigger, group.size());
                submit(group);
                continue;
            }
            submitting.set(false);
            // A command queued (or an entry finished) after the check above, but before the flag was
            // cleared, found the flag still set and scheduled no run: look again, unless a new run has
            // taken over. An entry that finishes later, or the linger's wake-up, schedules its own run.
            if (goingOutNow() == null || !submitting.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /**
     * What sends a group out now; null if none may go (the window is full, nothing is queued, or the
     * linger holds the commands back, and then a wake-up is arranged).
     */
    private EntryTrigger goingOutNow() {
        if (!windowOpenWithWork()) {
            return null;
        }
        Look look = look();
        if (look.trigger() == null) {
            wakeUpIn(look.waitNanos());
        }
        return look.trigger();
    }

    /** Whether commands are queued and the window has room for another entry. */
    private boolean windowOpenWithWork() {
        return openEntries.get() < maxEntriesInFlight && !queued.isEmpty();
    }

    /** What sends the queued commands out now, or (no trigger) how long they should still wait for company. */
    private record Look(EntryTrigger trigger, long waitNanos) {
        static final Look FULL = new Look(EntryTrigger.FULL, 0);
        static final Look ALONE = new Look(EntryTrigger.ALONE, 0);
        static final Look LINGER = new Look(EntryTrigger.LINGER, 0);
        static final Look QUIET = new Look(EntryTrigger.QUIET, 0);
        static final Look BACK = new Look(EntryTrigger.BACK, 0);
    }

    /**
     * The groups that wait no longer: a full one, a lone command with no entry open, and (below the
     * busy rate) one whose last arrival brought the burst back; else null.
     */
    private Look atOnce(int waiting, int openEntries) {
        if (waiting >= maxCommandsPerEntry) {
            return Look.FULL;
        }
        if (waiting == 1 && openEntries == 0) {
            return Look.ALONE;
        }
        if (!busy && burstBack.get()) {
            return Look.BACK;
        }
        return null;
    }

    private Look look() {
        int waiting = queuedCount.get();
        Look atOnce = atOnce(waiting, openEntries.get());
        if (atOnce != null) {
            return atOnce;
        }
        // Wait for company only while it keeps coming: a closed-loop burst (clients answered by the
        // last entry writing again) is over once it pauses, and waiting longer only adds latency.
        long now = System.nanoTime();
        long lingerLeftNanos = lastSubmitNanos + groupLingerNanos - now;
        if (lingerLeftNanos <= 0) {
            return Look.LINGER;
        }
        long quietLeftNanos = lastArrivalNanos + quietNanos(waiting) - now;
        if (quietLeftNanos <= 0) {
            return Look.QUIET;
        }
        return new Look(null, Math.min(lingerLeftNanos, quietLeftNanos));
    }

    /**
     * Counts the commands sent and, once {@link #RATE_WINDOW_NANOS} or more have passed, decides
     * whether the stream is busy. The window is long enough that 500 independent writes/s (10 in
     * 20 ms, give or take 3) never reads as 1,000/s; after a pause the first entry ends a long window
     * with few commands, so a stream is never busy right after one.
     */
    private void measureRate(long nowNanos, int commands) {
        rateWindowCommands += commands;
        long elapsedNanos = nowNanos - rateWindowStartNanos;
        if (elapsedNanos >= RATE_WINDOW_NANOS) {
            busy = rateWindowCommands * 1e9 / elapsedNanos >= busyWritesPerSecond;
            rateWindowCommands = 0;
            rateWindowStartNanos = nowNanos;
        }
    }

    /** How long a pause in arrivals ends the linger for the {@code waiting} queued commands. */
    private long quietNanos(int waiting) {
        Pending first = queued.peek();
        return first == null ? quietRule.quietNanos(busy, 0, 0, 0)
                : quietRule.quietNanos(busy, waiting, first.arrivalNanos(), lastArrivalNanos);
    }

    /**
     * How long a pause in arrivals ends the linger (see the class comment).
     *
     * @param groupQuietNanos         the quiet time below the busy rate
     * @param busyMinGroupQuietNanos  the shortest quiet time in a busy stream
     * @param busyGroupQuietNanos     the longest quiet time in a busy stream
     */
    record QuietRule(long groupQuietNanos, long busyMinGroupQuietNanos, long busyGroupQuietNanos) {

        /**
         * A busy stream's quiet time in mean gaps between arrivals: for independent arrivals, a pause
         * of six mean gaps comes by chance once in about 400 gaps (e^-6).
         */
        static final int QUIET_MEAN_GAPS = 6;

        long quietNanos(boolean busy, int waiting, long firstArrivalNanos, long lastArrivalNanos) {
            if (!busy) {
                return groupQuietNanos;
            }
            if (waiting < 2) {
                return busyMinGroupQuietNanos;
            }
            long meanGapNanos = (lastArrivalNanos - firstArrivalNanos) / (waiting - 1);
            return Math.max(busyMinGroupQuietNanos, Math.min(busyGroupQuietNanos, QUIET_MEAN_GAPS * meanGapNanos));
        }
    }

    private void wakeUpIn(long nanos) {
        if (wakeUpScheduled.compareAndSet(false, true)) {
            try {
                timer.schedule(this::lingerWokeUp, nanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                wakeUpScheduled.set(false);
                failAll(drain(), GrpcErrors.shuttingDown());
            }
        }
    }

    /**
     * The linger's wake-up. Under a steady stream the quiet time never passes: each wake-up finds a
     * newer arrival. It then waits again from the timer thread instead of waking the submitter only
     * for it to find the same (at 2,000 writes/s that was a hand-off about every millisecond). As on
     * any wake-up, the flag is cleared before the state is read, so an arrival in between runs itself.
     */
    private void lingerWokeUp() {
        wakeUpScheduled.set(false);
        if (windowOpenWithWork()) {
            Look look = look();
            if (look.trigger() == null) {
                wakeUpIn(look.waitNanos());
                return;
            }
        }
        scheduleSubmit();
    }

    private List<Pending> nextGroup() {
        List<Pending> group = new ArrayList<>();
        int bytes = 0;
        for (Pending next = queued.peek(); next != null && group.size() < maxCommandsPerEntry; next = queued.peek()) {
            int size = next.command().getSerializedSize();
            if (!group.isEmpty() && bytes + size > maxBytesPerEntry) {
                break;
            }
            group.add(queued.poll());
            queuedCount.decrementAndGet();
            bytes += size;
        }
        return group;
    }

    private void submit(List<Pending> group) {
        long term = leaderTerm.getAsLong();
        if (term < 0) {
            failAll(group, GrpcErrors.notLeader(leaderHint.get()));
            return;
        }
        ProposalClosure closure = new ProposalClosure();
        // Given up with its oldest command: the sweep releases it before it fails that command.
        Entry entry = new Entry(new AtomicBoolean(), group.get(0).deadlineNanos());
        openEntries.incrementAndGet();
        entriesInFlight.add(entry);
        closure.result().whenComplete((result, error) -> {
            owed.addAndGet(group.size()); // before the answers: a client may write again at once
            answer(group, result, error);
            release(entry);
        });
        Task task = new Task(ByteBuffer.wrap(encode(group)), closure);
        // If leadership moved on between the check above and the append, SOFAJRaft refuses the task
        // instead of appending it in a term we do not lead.
        task.setExpectedTerm(term);
        try {
            node.apply(task);
        } catch (IllegalStateException e) {
            closure.result().completeExceptionally(GrpcErrors.shuttingDown());
        }
    }

    /** Gives the entry's place in the window back (once) and lets waiting commands go out. */
    private void release(Entry entry) {
        if (entry.released().compareAndSet(false, true)) {
            openEntries.decrementAndGet();
            if (!queued.isEmpty()) {
                scheduleSubmit();
            }
        }
    }

    private static byte[] encode(List<Pending> group) {
        if (group.size() == 1) {
            return group.get(0).command().toByteArray();
        }
        CommandBatch.Builder batch = CommandBatch.newBuilder();
        group.forEach(pending -> batch.addCommands(pending.command()));
        return Command.newBuilder().setBatch(batch).build().toByteArray();
    }

    /** Runs where the entry's outcome is known (the apply thread, or SOFAJRaft's on failure). */
    private static void answer(List<Pending> group, ApplyResult result, Throwable error) {
        if (error != null) {
            failAll(group, error);
        } else if (group.size() == 1) {
            group.get(0).result().complete(result);
        } else if (result instanceof ApplyResult.Batched batched && batched.results().size() == group.size()) {
            for (int i = 0; i < group.size(); i++) {
                group.get(i).result().complete(batched.results().get(i));
            }
        } else {
            failAll(group, new IllegalStateException("a group of " + group.size() + " commands was applied as " + result));
        }
    }

    private List<Pending> drain() {
        List<Pending> all = new ArrayList<>();
        for (Pending next = queued.poll(); next != null; next = queued.poll()) {
            queuedCount.decrementAndGet();
            all.add(next);
        }
        return all;
    }

    private static void failAll(List<Pending> group, Throwable error) {
        group.forEach(pending -> pending.result().completeExceptionally(error));
    }

    /**
     * Sweeps in {@code timeoutSweep} unless a sweep is due already. The sweep runs only while proposals
     * are in flight, so an idle node's timer sleeps: a sweep every 100 ms was most of what the node
     * timers cost an idle cluster (round 13 in docs/performance.md).
     */
    private void armSweep() {
        if (sweepArmed.compareAndSet(false, true)) {
            try {
                timer.schedule(this::sweep, sweepMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // The node is shutting down and its timer runs nothing more. Left armed, so later proposals do
                // not try again. SOFAJRaft's stop answers the entries it holds; a refused submitter run
                // answers the commands still queued.
            }
        }
    }

    private void sweep() {
        try {
            expireOverdue();
        } finally {
            // Disarmed before the look: a proposal that found the sweep still armed was queued before it.
            sweepArmed.set(false);
            if (!inFlight.isEmpty() || !entriesInFlight.isEmpty()) {
                armSweep();
            }
        }
    }

    /** Fails every proposal past its deadline; drops finished ones from the head of the queue. */
    private void expireOverdue() {
        long now = System.nanoTime();
        for (Entry head = entriesInFlight.peek(); head != null; head = entriesInFlight.peek()) {
            if (!head.released().get() && head.deadlineNanos() - now > 0) {
                break;
            }
            entriesInFlight.poll();
            release(head);
        }
        for (Pending head = inFlight.peek(); head != null; head = inFlight.peek()) {
            if (!head.result().isDone() && head.deadlineNanos() - now > 0) {
                return;
            }
            inFlight.poll();
            // Most heads are answered already: build the error (a stack trace) only for one that is not.
            if (!head.result().isDone()) {
                head.result().completeExceptionally(GrpcErrors.proposalTimedOut(proposalTimeout.toMillis()));
            }
        }
    }

    private record Pending(Command command, CompletableFuture<ApplyResult> result, long arrivalNanos, long deadlineNanos) {}

    private record Entry(AtomicBoolean released, long deadlineNanos) {}
}
