package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HeardSessionsTest {

    @Test
    void aSessionHeardTwiceBeforeATickIsInItOnce() {
        HeardSessions heard = new HeardSessions();
        heard.heard(token(1));
        heard.heard(token(1));
        heard.heard(token(2));

        assertThat(heard.drain()).singleElement().satisfies(group ->
                assertThat(group).containsExactlyInAnyOrder(ByteString.copyFrom(token(1)), ByteString.copyFrom(token(2))));
        assertThat(heard.isEmpty()).isTrue();
        assertThat(heard.drain()).isEmpty();
    }

    @Test
    void manySessionsAreSplitIntoTicksOfBoundedSize() {
        HeardSessions heard = new HeardSessions();
        int sessions = 2 * HeardSessions.MAX_PER_TICK + 5;
        IntStream.range(0, sessions).forEach(i -> heard.heard(token(i)));

        List<List<ByteString>> groups = heard.drain();

        assertThat(groups).hasSize(3);
        assertThat(groups).allSatisfy(g -> assertThat(g.size()).isLessThanOrEqualTo(HeardSessions.MAX_PER_TICK));
        assertThat(groups.stream().mapToInt(List::size).sum()).isEqualTo(sessions);
        assertThat(groups.stream().flatMap(List::stream).distinct().count()).isEqualTo(sessions);
    }

    private static byte[] token(int i) {
        return ByteBuffer.allocate(32).putInt(i).array();
    }
}
