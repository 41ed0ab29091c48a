package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.Task;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.raftchat.node.metrics.EntryTrigger;
import org.raftchat.node.metrics.MetricSamples;
import org.raftchat.node.metrics.NodeMetrics;
import org.raftchat.proto.v1.Command;
import org.raftchat.statemachine.ApplyResult;

class ProposerTest {

    /** What the fake node was asked to append, in order. */
    final List<Task> appended = new CopyOnWriteArrayList<>();
    final Node node = FakeNodes.answering("apply", args -> appended.add((Task) args[0]));
    final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    final NodeMetrics metrics = new NodeMetrics();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private Proposer proposer(Duration proposalTimeout, int maxEntriesInFlight) {
        return proposer(proposalTimeout, maxEntriesInFlight, Duration.ZERO, Duration.ZERO);
    }

    private Proposer proposer(Duration proposalTimeout, int maxEntriesInFlight, Duration groupLinger, Duration groupQuiet) {
        return proposer(proposalTimeout, maxEntriesInFlight, groupLinger, groupQuiet, Runnable::run);
    }

    /** The quiet time is the same whatever the rate: see the busy-stream test for the longer one. */
    private Proposer proposer(Duration proposalTimeout, int maxEntriesInFlight, Duration groupLinger, Duration groupQuiet,
                              java.util.concurrent.Executor submitter) {
        return proposer(maxEntriesInFlight, groupLinger, groupQuiet, groupQuiet, proposalTimeout, submitter, 1_000);
    }

    private Proposer proposer(int maxEntriesInFlight, Duration groupLinger, Duration groupQuiet, Duration busyGroupQuiet,
                              Duration proposalTimeout, java.util.concurrent.Executor submitter, int busyWritesPerSecond) {
        return new Proposer(node, () -> 1L, () -> null,
                new Proposer.Settings(proposalTimeout, Duration.ofMillis(10), 64, 256 * 1024, maxEntriesInFlight,
                        groupLinger, groupQuiet, groupQuiet, busyGroupQuiet, busyWritesPerSecond),
                submitter, timer, metrics);
    }

    /** {@code counter}'s sample (e.g. raftchat_proposed_entries_total) for one trigger. */
    private double proposed(String counter, EntryTrigger trigger) {
        return MetricSamples.scrape(metrics).get(counter + "{trigger=\"" + trigger.label() + "\"}");
    }

    private double entries(EntryTrigger trigger) {
        return proposed("raftchat_proposed_entries_total", trigger);
    }

    /** Runs submitter runs inline and counts them: each is a thread hand-off in a real node. */
    private static final class CountingSubmitter implements java.util.concurrent.Executor {
        final java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void execute(Runnable command) {
            runs.incrementAndGet();
            command.run();
        }
    }

    private static Command.Builder post(String user) {
        return Command.newBuilder().setIdempotencyKey(user);
    }

    /** One command per user, in order. */
    private static void proposeAll(Proposer proposer, String... users) {
        for (String user : users) {
            proposer.propose(post(user));
        }
    }

    private int commandsIn(Task task) throws InvalidProtocolBufferException {
        Command command = Command.parseFrom(task.getData().duplicate());
        return command.hasBatch() ? command.getBatch().getCommandsCount() : 1;
    }

    private static void answer(Task task, ApplyResult result) {
        ((ProposalClosure) task.getDone()).complete(result);
    }

    @Test
    void commandsArrivingWhileTheWindowIsFullGoOutTogetherWhenAnEntryFinishes() throws Exception {
        // Goal: a lone command goes out at once; with the one-entry window taken, later commands wait
        // and are proposed as one grouped entry as soon as the first entry is answered.
        Proposer proposer = proposer(Duration.ofSeconds(30), 1);
        CompletableFuture<ApplyResult> first = proposer.propose(post("a"));
        assertThat(appended).hasSize(1);

        CompletableFuture<ApplyResult> second = proposer.propose(post("b"));
        CompletableFuture<ApplyResult> third = proposer.propose(post("c"));
        assertThat(appended).as("window full: nothing more is proposed yet").hasSize(1);

        answer(appended.get(0), new ApplyResult.UserRegistered("a"));
        assertThat(first).isCompletedWithValue(new ApplyResult.UserRegistered("a"));
        assertThat(appended).hasSize(2);
        assertThat(commandsIn(appended.get(1))).isEqualTo(2);

        answer(appended.get(1), new ApplyResult.Batched(List.of(
                new ApplyResult.UserRegistered("b"), new ApplyResult.UserRegistered("c"))));
        assertThat(second).isCompletedWithValue(new ApplyResult.UserRegistered("b"));
        assertThat(third).isCompletedWithValue(new ApplyResult.UserRegistered("c"));
    }

    @Test
    void aFailedEntryAlsoOpensTheWindow() throws Exception {
        // Goal: an entry SOFAJRaft refuses (e.g. leadership lost) gives its place back like an applied one.
        Proposer proposer = proposer(Duration.ofSeconds(30), 1);
        CompletableFuture<ApplyResult> first = proposer.propose(post("a"));
        CompletableFuture<ApplyResult> second = proposer.propose(post("b"));
        assertThat(appended).hasSize(1);

        appended.get(0).getDone().run(new com.alipay.sofa.jraft.Status(
                com.alipay.sofa.jraft.error.RaftError.EPERM, "not leader"));
        assertThat(first).isCompletedExceptionally();
        assertThat(appended).hasSize(2);
        assertThat(commandsIn(appended.get(1))).isEqualTo(1);
        assertThat(second).isNotDone();
    }

    @Test
    void theTimeoutSweepRunsOnlyWhileProposalsAreInFlight() throws Exception {
        // Goal: an idle leader's timer sleeps; a proposal arms the sweep, and the sweep stops once all are answered.
        Proposer proposer = proposer(Duration.ofSeconds(30), 2);
        assertThat(timer.getQueue()).as("nothing proposed yet").isEmpty();

        CompletableFuture<ApplyResult> first = proposer.propose(post("a"));
        proposer.propose(post("b"));
        assertThat(timer.getQueue()).as("one sweep armed for both").hasSize(1);
        // A sweep that is running has left the queue and not yet armed the next one: wait for one that ran
        // and then for the next one armed, rather than looking at one instant.
        long sweepsBefore = timer.getCompletedTaskCount();
        await().atMost(Duration.ofSeconds(30)).until(() -> timer.getCompletedTaskCount() > sweepsBefore);
        // Awaited, not asserted after the wait: the next sweep (10 ms on) may already have left the queue.
        await("still in flight: the sweep comes again").atMost(Duration.ofSeconds(30))
                .until(() -> timer.getQueue().size() == 1);

        answer(appended.get(0), new ApplyResult.UserRegistered("a"));
        answer(appended.get(1), new ApplyResult.UserRegistered("b"));
        assertThat(first).isCompleted();
        await().atMost(Duration.ofSeconds(30)).until(() -> timer.getQueue().isEmpty() && timer.getActiveCount() == 0);
        long sweeps = timer.getCompletedTaskCount();
        Thread.sleep(50);
        assertThat(timer.getCompletedTaskCount()).as("no sweep while idle").isEqualTo(sweeps);

        proposer.propose(post("c"));
        assertThat(timer.getQueue()).as("armed again by the next proposal").hasSize(1);
    }

    @Test
    void windowOfTwoKeepsTwoEntriesOut() {
        // Goal: the window's size is the number of entries proposed and unanswered at once.
        Proposer proposer = proposer(Duration.ofSeconds(30), 2);
        proposer.propose(post("a"));
        proposer.propose(post("b"));
        proposer.propose(post("c"));
        assertThat(appended).hasSize(2);
    }

    @Test
    void anEntryThatIsNeverAnsweredGivesItsPlaceBackAtTheProposalTimeout() throws Exception {
        // Goal: a lost outcome cannot stall the leader's writes for longer than the proposal timeout.
        Proposer proposer = proposer(Duration.ofMillis(200), 1);
        CompletableFuture<ApplyResult> lost = proposer.propose(post("a"));
        assertThat(appended).hasSize(1);
        await().atMost(Duration.ofSeconds(30)).until(lost::isDone);
        assertThat(lost).isCompletedExceptionally();

        // The sweep that expired the proposal gave its entry's place back first: a new command goes out at once.
        CompletableFuture<ApplyResult> next = proposer.propose(post("b"));
        assertThat(appended).hasSize(2);
        answer(appended.get(1), new ApplyResult.UserRegistered("b"));
        assertThat(next).isCompletedWithValue(new ApplyResult.UserRegistered("b"));
    }

    @Test
    void aLoneCommandOnAnIdleLeaderNeverLingers() {
        // Goal: closed-loop and low-rate writes keep one round trip: the linger applies only under concurrency.
        Proposer proposer = proposer(Duration.ofSeconds(30), 2, Duration.ofHours(1), Duration.ofHours(1));
        proposer.propose(post("a"));
        assertThat(appended).hasSize(1);
        answer(appended.get(0), new ApplyResult.UserRegistered("a"));
        proposer.propose(post("b"));
        assertThat(appended).as("idle again: the next lone command goes out at once too").hasSize(2);
    }

    @Test
    void underConcurrencyAGroupWaitsForTheLingerUnlessItIsFull() throws Exception {
        // Goal: with an entry in flight and room in the window, queued commands wait for company
        // (fewer, fuller entries); a full entry's worth goes out at once.
        Proposer proposer = proposer(Duration.ofSeconds(30), 2, Duration.ofHours(1), Duration.ofHours(1));
        proposer.propose(post("first"));
        for (int i = 0; i < 63; i++) {
            proposer.propose(post("q" + i));
        }
        assertThat(appended).as("63 queued, one in flight, window of 2: they wait").hasSize(1);
        proposer.propose(post("q63"));
        assertThat(appended).as("64 queued: a full entry goes out").hasSize(2);
        assertThat(commandsIn(appended.get(1))).isEqualTo(64);
        assertThat(entries(EntryTrigger.ALONE)).as("the first command, alone on an idle leader").isEqualTo(1);
        assertThat(entries(EntryTrigger.FULL)).isEqualTo(1);
        assertThat(proposed("raftchat_proposed_entry_commands_total", EntryTrigger.FULL)).isEqualTo(64);
        assertThat(entries(EntryTrigger.LINGER) + entries(EntryTrigger.QUIET)).isZero();
    }

    @Test
    void queuedCommandsGoOutWhenTheLingerHasPassed() throws Exception {
        // Goal: the linger delays a group, never strands it: no answer arrives, yet the group leaves.
        Proposer proposer = proposer(Duration.ofSeconds(30), 2, Duration.ofMillis(50), Duration.ofHours(1));
        proposeAll(proposer, "first", "b", "c");
        await().atMost(Duration.ofSeconds(30)).until(() -> appended.size() == 2);
        assertThat(commandsIn(appended.get(1))).isEqualTo(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> entries(EntryTrigger.LINGER) == 1);
        assertThat(entries(EntryTrigger.QUIET)).isZero();
    }

    @Test
    void aPauseInArrivalsEndsTheLingerEarly() throws Exception {
        // Goal: a closed-loop burst does not wait out the whole linger: once writes stop arriving for
        // the quiet time, the group leaves (here long before the hour-long linger).
        Proposer proposer = proposer(Duration.ofSeconds(30), 2, Duration.ofHours(1), Duration.ofMillis(50));
        proposeAll(proposer, "first", "b", "c");
        await().atMost(Duration.ofSeconds(30)).until(() -> appended.size() == 2);
        assertThat(commandsIn(appended.get(1))).isEqualTo(2);
        assertThat(entries(EntryTrigger.QUIET)).as("counted by what sent it").isEqualTo(1);
        assertThat(proposed("raftchat_proposed_entry_commands_total", EntryTrigger.QUIET)).isEqualTo(2);
    }

    @Test
    void inABusyStreamOnlyAPauseOfSixMeanGapsEndsTheLinger() throws Exception {
        // Goal: at 2,000 writes/s a chance gap of the short quiet time must not cut an entry short,
        // while a stream slower than the busy rate still leaves after the short quiet time. Scaled
        // up here: quiet 300 ms, busy from 2 writes/s (500 ms a write), linger an hour.
        Proposer proposer = proposer(3, Duration.ofHours(1), Duration.ofMillis(300), Duration.ofHours(1),
                Duration.ofSeconds(30), Runnable::run, 2);
        proposer.propose(post("first"));
        proposer.propose(post("b")); // alone behind "first": leaves after the 300 ms quiet time
        await().atMost(Duration.ofSeconds(30)).until(() -> appended.size() == 2);

        // Two writes in about 300 ms: busy at 2 a second. Two writes 150 ms apart now need a pause of
        // six such gaps (900 ms), not the 300 ms quiet time, before they leave.
        proposer.propose(post("c"));
        Thread.sleep(150);
        proposer.propose(post("d"));
        Thread.sleep(400);
        assertThat(appended).as("busy: the short quiet time passed, the group still waits for company").hasSize(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> appended.size() == 3);
        assertThat(commandsIn(appended.get(2))).isEqualTo(2);

    }

    @Test
    void theQuietTimeIsSixMeanGapsOnlyInABusyStream() {
        // Goal: the rule itself, in numbers (ms): quiet 2 below the busy rate; 1 to 3 when busy.
        Proposer.QuietRule rule = new Proposer.QuietRule(ms(2), ms(1), ms(3));
        assertThat(rule.quietNanos(false, 10, 0, ms(3))).as("not busy: the quiet time").isEqualTo(ms(2));
        assertThat(rule.quietNanos(false, 1, 0, 0)).as("not busy, one write waiting").isEqualTo(ms(2));
        assertThat(rule.quietNanos(true, 1, 0, 0)).as("busy, one write waiting: no gap to go by").isEqualTo(ms(1));
        assertThat(rule.quietNanos(true, 5, 0, ms(1))).as("busy, 0.25 ms gaps: six of them").isEqualTo(ms(3) / 2);
        assertThat(rule.quietNanos(true, 5, 0, ms(4))).as("busy, 1 ms gaps: capped").isEqualTo(ms(3));
        assertThat(rule.quietNanos(true, 33, 0, ms(1) / 10)).as("busy, a back-to-back burst: the short quiet").isEqualTo(ms(1));
    }

    @Test
    void aGroupGoesOnceTheClientsTheLastEntriesAnsweredHaveAllWrittenAgain() throws Exception {
        // Goal: below the busy rate, a closed-loop burst leaves as soon as it is back, without waiting
        // for a quiet time (an hour here), and not before every answered client has written again.
        Proposer proposer = proposer(Duration.ofSeconds(30), 2, Duration.ofHours(1), Duration.ofHours(1));
        proposeAll(proposer, "a", "b", "c");
        answer(appended.get(0), new ApplyResult.UserRegistered("a"));
        assertThat(appended).as("b and c are not what the entry answered: they wait").hasSize(1);
        proposer.propose(post("a2"));
        assertThat(appended).as("the one client answered is back").hasSize(2);
        assertThat(commandsIn(appended.get(1))).isEqualTo(3);

        proposer.propose(post("x")); // waits behind the entry of three
        answer(appended.get(1), new ApplyResult.Batched(List.of(new ApplyResult.UserRegistered("b"),
                new ApplyResult.UserRegistered("c"), new ApplyResult.UserRegistered("a2"))));
        assertThat(appended).as("x alone on an idle leader").hasSize(3);
        proposeAll(proposer, "b2", "c2");
        assertThat(appended).as("two of the three answered are back: the burst is not").hasSize(3);
        proposer.propose(post("a3"));
        assertThat(appended).hasSize(4);
        assertThat(commandsIn(appended.get(3))).isEqualTo(3);
        assertThat(entries(EntryTrigger.BACK)).isEqualTo(2);
        assertThat(proposed("raftchat_proposed_entry_commands_total", EntryTrigger.BACK)).isEqualTo(6);
        assertThat(entries(EntryTrigger.QUIET) + entries(EntryTrigger.LINGER)).isZero();
    }

    @Test
    void inABusyStreamTheAnsweredClientsComingBackDoNotEndTheWait() throws Exception {
        // Goal: above the busy rate, groups wait for the quiet time even when the burst is back:
        // ending them at once made smaller, dearer entries at 64 clients (round 22).
        Proposer proposer = proposer(3, Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1),
                Duration.ofSeconds(30), Runnable::run, 5);
        proposer.propose(post("first"));
        Thread.sleep(25); // the rate is judged over 20 ms or more
        for (int i = 0; i < 64; i++) {
            proposer.propose(post("fast" + i)); // a full entry: 65 writes in about 25 ms, busy
        }
        assertThat(appended).hasSize(2);
        answer(appended.get(0), new ApplyResult.UserRegistered("first"));
        proposer.propose(post("first2"));
        proposer.propose(post("other"));
        assertThat(appended).as("busy: the client is back, the group still waits for company").hasSize(2);
        assertThat(entries(EntryTrigger.BACK)).isZero();
    }

    private static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }

    @Test
    void aClosedLoopBurstInABusyStreamStillEndsAfterTheShortQuietTime() throws Exception {
        // Goal: writes that come back to back (clients answered together writing again) are a burst,
        // not a stream: six of their tiny gaps are below the short quiet time, which then applies.
        Proposer proposer = proposer(3, Duration.ofHours(1), Duration.ofMillis(50), Duration.ofHours(1),
                Duration.ofSeconds(30), Runnable::run, 5);
        proposer.propose(post("first"));
        for (int i = 0; i < 64; i++) {
            proposer.propose(post("fast" + i)); // a full entry within microseconds: busy
        }
        assertThat(appended).hasSize(2);
        for (int i = 0; i < 10; i++) {
            proposer.propose(post("burst" + i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> appended.size() == 3);
        assertThat(commandsIn(appended.get(2))).isEqualTo(10);
    }

    @Test
    void commandsArrivingWhileTheWindowIsFullDoNotWakeTheSubmitter() throws Exception {
        // Goal: no thread hand-off per write that can only wait; the finishing entry sends them all.
        CountingSubmitter submitter = new CountingSubmitter();
        Proposer proposer = proposer(Duration.ofSeconds(30), 1, Duration.ZERO, Duration.ZERO, submitter);
        proposer.propose(post("a"));
        for (int i = 0; i < 10; i++) {
            proposer.propose(post("q" + i));
        }
        assertThat(submitter.runs).as("only the first command's run").hasValue(1);

        answer(appended.get(0), new ApplyResult.UserRegistered("a"));
        assertThat(submitter.runs).hasValue(2);
        assertThat(appended).hasSize(2);
        assertThat(commandsIn(appended.get(1))).isEqualTo(10);
    }

    @Test
    void commandsArrivingDuringALingerDoNotWakeTheSubmitterUntilTheGroupIsFull() throws Exception {
        // Goal: while a linger wake-up is pending, arrivals leave the wake-up to send them, unless the group fills.
        CountingSubmitter submitter = new CountingSubmitter();
        Proposer proposer = proposer(Duration.ofSeconds(30), 2, Duration.ofHours(1), Duration.ofHours(1), submitter);
        proposer.propose(post("first"));
        proposer.propose(post("waits and arranges the wake-up"));
        for (int i = 0; i < 62; i++) {
            proposer.propose(post("q" + i));
        }
        assertThat(submitter.runs).as("the first command's run and the run that arranged the wake-up").hasValue(2);
        assertThat(appended).hasSize(1);

        proposer.propose(post("q62"));
        assertThat(appended).as("64 queued: the full group goes out at once").hasSize(2);
        assertThat(commandsIn(appended.get(1))).isEqualTo(64);
    }

    @Test
    void aWakeUpThatFindsTheStreamStillArrivingWaitsAgainWithoutWakingTheSubmitter() throws Exception {
        // Goal: under a steady stream the quiet time never passes, and the wake-ups that find a newer
        // arrival re-arm on the timer: no submitter run per wake-up, only the runs that send.
        CountingSubmitter submitter = new CountingSubmitter();
        Proposer proposer = proposer(Duration.ofSeconds(30), 2, Duration.ofHours(1), Duration.ofMillis(250), submitter);
        proposer.propose(post("first"));
        proposer.propose(post("waits and arranges the wake-up"));
        int streamed = 0;
        for (long end = System.nanoTime() + Duration.ofSeconds(1).toNanos(); System.nanoTime() < end; streamed++) {
            proposer.propose(post("s" + streamed)); // a write every 20 ms: never 250 ms of quiet
            Thread.sleep(20);
        }
        assertThat(appended).as("the stream never paused for the quiet time").hasSize(1);
        assertThat(submitter.runs).as("the first command's run and the run that arranged the wake-up").hasValue(2);

        await().atMost(Duration.ofSeconds(30)).until(() -> appended.size() == 2);
        assertThat(commandsIn(appended.get(1))).isEqualTo(streamed + 1);
        assertThat(submitter.runs).as("plus the one run that sent them").hasValue(3);
    }
}
