package org.raftchat.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageTextTest {

    @Test
    void aRenderedTextHasExactlyTheWantedSizeAndParsesBack() {
        // Goal: the message is as big as asked and a subscriber reads back the run, the intended start and the op.
        MessageText stamp = new MessageText(MessageText.newRunId(), -1_234_567_890_123L, 42);

        String text = stamp.render(256);

        assertThat(text.getBytes(StandardCharsets.UTF_8)).hasSize(256);
        assertThat(MessageText.parse(text)).contains(stamp);
    }

    @Test
    void theSmallestAllowedSizeHoldsTheLargestHeader() {
        // Goal: BenchConfig's minimum message size always fits the header, whatever the numbers.
        MessageText widest = new MessageText("0123456789ab", Long.MIN_VALUE, Long.MAX_VALUE);

        assertThat(widest.render(BenchConfig.MIN_MESSAGE_BYTES)).hasSize(BenchConfig.MIN_MESSAGE_BYTES);
        assertThatThrownBy(() -> widest.render(20)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void otherTextsAreNotMistakenForBenchMessages() {
        // Goal: messages people post in the bench rooms are ignored, not mis-timed.
        assertThat(MessageText.parse("hello")).isEmpty();
        assertThat(MessageText.parse("bench run")).isEmpty();
        assertThat(MessageText.parse("bench abc notanumber 1 xx")).isEmpty();
    }

    @Test
    void runIdsAreTwelveHexDigits() {
        // Goal: run ids fit idempotency keys (letters, digits) and are unique enough to keep runs apart.
        String id = MessageText.newRunId();

        assertThat(id).matches("[0-9a-f]{12}");
        assertThat(MessageText.newRunId()).isNotEqualTo(id);
    }
}
