package org.raftchat.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HistoryTest {

    private final AtomicLong clock = new AtomicLong(5_000);
    private final History history = new History(() -> clock.addAndGet(10));

    @Test
    void completionCopiesTheInvocationAndGetsItsOwnIndexAndTime() {
        // Goal: a completion repeats process, function, room, node and key, with a later index and time.
        Op invoke = history.invoke(3, OpFunction.POST, "lobby", "n2", "hello-1");
        Op ok = history.okPost(invoke, 7);

        assertThat(invoke.index()).isZero();
        assertThat(invoke.type()).isEqualTo(OpType.INVOKE);
        assertThat(ok.index()).isEqualTo(1);
        assertThat(ok.timeNanos()).isGreaterThan(invoke.timeNanos());
        assertThat(ok).extracting(Op::process, Op::f, Op::room, Op::node, Op::key, Op::seq, Op::type)
                .containsExactly(3, OpFunction.POST, "lobby", "n2", "hello-1", 7L, OpType.OK);
        assertThat(history.ops()).containsExactly(invoke, ok);
    }

    @Test
    void aProcessRunsOneOperationAtATime() {
        // Goal: the recorder rejects a second invoke while the first is open, and completing a closed op.
        Op invoke = history.invoke(1, OpFunction.READ, "lobby", "n1", null);

        assertThatThrownBy(() -> history.invoke(1, OpFunction.READ, "lobby", "n1", null))
                .isInstanceOf(IllegalStateException.class);
        history.info(invoke, "UNAVAILABLE");
        assertThatThrownBy(() -> history.fail(invoke, "again")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void okNeedsTheResultOfItsFunction() {
        // Goal: an OK POST without its seq, or an OK READ without its keys, is a workload bug caught at once.
        Op post = history.invoke(1, OpFunction.POST, "lobby", "n1", "k");
        Op read = history.invoke(2, OpFunction.READ, "lobby", "n1", null);

        assertThatThrownBy(() -> history.ok(post, null, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> history.ok(read, null, null, 3L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void openFaultAppearsEndingAtSnapshotTime() {
        // Goal: a run that aborts mid-fault still shows the fault, ending when the snapshot was taken.
        FaultHandle healed = history.faultStart("pause", "pause n3");
        history.faultEnd(healed);
        history.faultStart("partition", "n1 | n2 n3");

        HistoryData data = history.snapshot();

        assertThat(data.faults()).extracting(FaultWindow::nemesis).containsExactly("pause", "partition");
        assertThat(data.faults().get(1).endNanos()).isGreaterThan(data.faults().get(1).startNanos());
        assertThatThrownBy(() -> history.faultEnd(healed)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void concurrentRecordingKeepsIndexAndTimeInTheSameOrder() throws Exception {
        // Goal: many client threads at once still give dense indexes whose order is time order.
        History shared = new History();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            int process = p;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 500; i++) {
                    Op invoke = shared.invoke(process, OpFunction.POST, "lobby", "n1", process + "-" + i);
                    shared.okPost(invoke, i + 1);
                    shared.delivery(process, "n2", "lobby", i + 1, process + "-" + i);
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        HistoryData data = shared.snapshot(); // validates order and pairing

        assertThat(data.ops()).hasSize(8_000);
        for (int i = 0; i < data.ops().size(); i++) {
            assertThat(data.ops().get(i).index()).isEqualTo(i);
        }
        assertThat(data.pairs()).allMatch(OpPair::succeeded);
        assertThat(data.deliveries()).hasSize(4_000);
    }

    @Test
    void malformedHistoryIsRejected() {
        // Goal: a completion without an open invocation (e.g. a hand-edited file) is refused, not silently checked.
        Op orphan = new Op(0, 1, OpType.OK, OpFunction.POST, "lobby", "n1", 10, "k", 1L, null, null, null);

        assertThatThrownBy(() -> new HistoryData(List.of(orphan), List.of(), List.of(), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without an open invocation");
    }
}
