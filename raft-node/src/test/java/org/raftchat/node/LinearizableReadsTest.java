package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.error.RaftError;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.raftchat.node.metrics.NodeMetrics;

class LinearizableReadsTest {

    /** The ReadIndex rounds the fake node was asked for, in order; the test answers them. */
    final List<ReadIndexClosure> rounds = new CopyOnWriteArrayList<>();
    final Node node = FakeNodes.answering("readIndex", args -> rounds.add((ReadIndexClosure) args[1]));
    final ScheduledExecutorService retryTimer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        retryTimer.shutdownNow();
    }

    private LinearizableReads reads(Duration timeout) {
        return new LinearizableReads(node, retryTimer, timeout, new NodeMetrics());
    }

    private static void succeed(ReadIndexClosure round) {
        round.setResult(42, new byte[0]);
        round.run(Status.OK());
    }

    private static String failure(CompletableFuture<Void> barrier) {
        assertThat(barrier).isCompletedExceptionally();
        try {
            barrier.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return ((StatusRuntimeException) e.getCause()).getStatus().toString();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aBarrierOnAnIdleNodeStartsItsRoundAtOnce() {
        CompletableFuture<Void> barrier = reads(Duration.ofSeconds(5)).barrier();
        assertThat(rounds).hasSize(1);
        assertThat(barrier).isNotDone();
        succeed(rounds.get(0));
        assertThat(barrier).isCompleted();
    }

    @Test
    void barriersAskedDuringARoundShareTheNextOneAndNeverTheRoundUnderWay() {
        // Goal: one ReadIndex round for many reads, and a read is served only by a round that began
        // after it was asked for (the round under way may have read the commit index before a write
        // that was acknowledged before the read began).
        LinearizableReads reads = reads(Duration.ofSeconds(5));
        CompletableFuture<Void> first = reads.barrier();
        List<CompletableFuture<Void>> later = IntStream.range(0, 5).mapToObj(i -> reads.barrier()).toList();
        assertThat(rounds).as("one round in flight at a time").hasSize(1);

        succeed(rounds.get(0));
        assertThat(first).isCompleted();
        assertThat(later).as("not served by the round that was under way").noneMatch(CompletableFuture::isDone);
        assertThat(rounds).as("the next round starts when the first ends, for all five").hasSize(2);

        succeed(rounds.get(1));
        assertThat(later).allMatch(barrier -> barrier.isDone() && !barrier.isCompletedExceptionally());
        assertThat(rounds).as("nothing left to read: no third round").hasSize(2);
        reads.barrier();
        assertThat(rounds).as("idle again: the next barrier starts a round at once").hasSize(3);
    }

    @Test
    void aLeaderNotReadyYetIsAskedAgain() {
        // Goal: EAGAIN (a new leader has not committed in its term) is retried, not failed.
        CompletableFuture<Void> barrier = reads(Duration.ofSeconds(5)).barrier();
        rounds.get(0).run(new Status(RaftError.EAGAIN, "leader has not committed any log entry at its term"));
        await().atMost(Duration.ofSeconds(5)).until(() -> rounds.size() == 2);
        assertThat(barrier).isNotDone();
        succeed(rounds.get(1));
        assertThat(barrier).isCompleted();
    }

    @Test
    void aFailedRoundFailsItsBarriersAndTheNextRoundStillRuns() {
        LinearizableReads reads = reads(Duration.ofSeconds(5));
        CompletableFuture<Void> first = reads.barrier();
        CompletableFuture<Void> second = reads.barrier();
        rounds.get(0).run(new Status(RaftError.EINTERNAL, "Fail to run ReadIndex task, maybe the leader stepped down."));
        assertThat(failure(first)).contains("UNAVAILABLE").contains("maybe the leader stepped down");
        assertThat(rounds).hasSize(2);
        succeed(rounds.get(1));
        assertThat(second).isCompleted();
        assertThat(second.isCompletedExceptionally()).isFalse();
    }

    @Test
    void aRoundThatNeverEndsTimesItsBarriersOut() throws InterruptedException {
        // Goal: a read fails within its timeout with a message that says so; no round is left hanging.
        LinearizableReads reads = reads(Duration.ofMillis(100));
        CompletableFuture<Void> barrier = reads.barrier();
        await().atMost(Duration.ofSeconds(10)).until(barrier::isDone);
        assertThat(failure(barrier)).contains("timed out after 100 ms");

        Thread.sleep(300);
        int asked = rounds.size();
        Thread.sleep(300);
        assertThat(rounds).as("no rounds asked for once no barrier waits").hasSize(asked);
        reads.barrier();
        assertThat(rounds).as("idle again: the next barrier starts its round at once").hasSize(asked + 1);
    }

    @Test
    void aRoundGivenUpAfterASecondPassesItsBarriersToTheNextRound() {
        // Goal: reads queued behind a round sent to a leader that was cut off ask again (of the leader
        // known by then) instead of waiting out their whole timeout.
        CompletableFuture<Void> barrier = reads(Duration.ofSeconds(30)).barrier();
        await().atMost(Duration.ofSeconds(10)).until(() -> rounds.size() == 2);
        assertThat(barrier).isNotDone();
        succeed(rounds.get(1));
        assertThat(barrier).isCompleted();
    }
}
