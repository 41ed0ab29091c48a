package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HeardSessionsTest {

    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final HeardSessions heard = new HeardSessions(nanos::get);

    @Test
    void aSessionHeardTwiceBeforeATickIsInItOnce() {
        heard.leading(1);
        heard.heard(token(1));
        heard.heard(token(1));
        heard.heard(token(2));
        heard.heardComingOnline(token(3));

        assertThat(heard.drainSeen()).singleElement().satisfies(group ->
                assertThat(group).containsExactlyInAnyOrder(bytes(1), bytes(2)));
        assertThat(heard.drainSeen()).isEmpty();
    }

    @Test
    void manySessionsAreSplitIntoTicksOfBoundedSize() {
        heard.leading(1);
        int sessions = 2 * HeardSessions.MAX_PER_TICK + 5;
        IntStream.range(0, sessions).forEach(i -> heard.heard(token(i)));

        List<List<ByteString>> groups = heard.drainSeen();

        assertThat(groups).hasSize(3);
        assertThat(groups).allSatisfy(g -> assertThat(g.size()).isLessThanOrEqualTo(HeardSessions.MAX_PER_TICK));
        assertThat(groups.stream().flatMap(List::stream).distinct().count()).isEqualTo(sessions);
    }

    @Test
    void aNewLeaderNamesNobodySilentBeforeItHasLedForAWholeTimeout() {
        heard.leading(7);
        nanos.addAndGet(TIMEOUT_NANOS - 1);
        assertThat(heard.silent(List.of(token(1)), TIMEOUT_NANOS)).isEmpty();

        nanos.addAndGet(1);
        assertThat(heard.silent(List.of(token(1)), TIMEOUT_NANOS)).containsExactly(List.of(bytes(1)));
    }

    @Test
    void aSessionHeardWithinTheTimeoutIsNotSilentWhateverTheLogSays() {
        heard.leading(7);
        nanos.addAndGet(TIMEOUT_NANOS);
        heard.heard(token(1));
        heard.heardComingOnline(token(2));
        nanos.addAndGet(TIMEOUT_NANOS - 1);

        assertThat(heard.silent(List.of(token(1), token(2), token(3)), TIMEOUT_NANOS)).containsExactly(List.of(bytes(3)));

        nanos.addAndGet(1);
        assertThat(heard.silent(List.of(token(1), token(2), token(3)), TIMEOUT_NANOS)).containsExactly(List.of(bytes(1), bytes(2), bytes(3)));
    }

    @Test
    void aNewTermRestartsTheTimeLedAndAFollowerTicksNothing() {
        heard.leading(7);
        heard.heard(token(1));
        assertThat(heard.leading(8)).isTrue();
        // Heard before the first tick of the term (as the first heartbeats after an election are): kept.
        assertThat(heard.drainSeen()).containsExactly(List.of(bytes(1)));
        nanos.addAndGet(TIMEOUT_NANOS / 2);
        assertThat(heard.silent(List.of(token(2)), TIMEOUT_NANOS)).as("led half a timeout").isEmpty();

        assertThat(heard.leading(-1)).isFalse();
        nanos.addAndGet(TIMEOUT_NANOS);
        assertThat(heard.silent(List.of(token(2)), TIMEOUT_NANOS)).isEmpty();
    }

    private static byte[] token(int i) {
        return ByteBuffer.allocate(32).putInt(i).array();
    }

    private static ByteString bytes(int i) {
        return ByteString.copyFrom(token(i));
    }
}
