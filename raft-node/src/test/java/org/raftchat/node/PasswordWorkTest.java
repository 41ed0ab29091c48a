package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.raftchat.proto.v1.LimitReached;

/** The password pool: a bounded queue that refuses at once, with a retry delay, when full. */
class PasswordWorkTest {

    @Test
    void aFullQueueRefusesAtOnceWithARetryDelayAndNoLimitReached() throws Exception {
        // Goal: with one thread busy and its one queue place taken, the next job is refused without
        // waiting, as a transient overload (RetryInfo, not LimitReached); the queued job still runs.
        CountDownLatch release = new CountDownLatch(1);
        try (PasswordWork work = new PasswordWork(1, 1, Thread::new)) {
            CompletableFuture<String> running = work.submit(() -> {
                await(release);
                return "first";
            });
            CompletableFuture<String> queued = work.submit(() -> "second");
            CompletableFuture<String> refused = work.submit(() -> "third");

            assertThat(refused).isCompletedExceptionally();
            Throwable error = catchThrowable(refused::join);
            assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            com.google.rpc.Status rich = StatusProto.fromThrowable(error);
            assertThat(rich.getDetailsList()).anyMatch(d -> d.is(RetryInfo.class)).noneMatch(d -> d.is(LimitReached.class));

            release.countDown();
            assertThat(running.get(5, TimeUnit.SECONDS)).isEqualTo("first");
            assertThat(queued.get(5, TimeUnit.SECONDS)).isEqualTo("second");
            assertThat(work.submit(() -> "room again").get(5, TimeUnit.SECONDS)).isEqualTo("room again");
        }
    }

    @Test
    void aClosedPoolAnswersShuttingDown() {
        PasswordWork work = new PasswordWork(1, 1, Thread::new);
        work.close();
        assertThat(Status.fromThrowable(catchThrowable(() -> work.submit(() -> "late").join())).getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
