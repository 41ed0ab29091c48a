package org.raftchat.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchConfigTest {

    private static BenchConfig with(int rate, int inFlight, Duration duration, int messageBytes) {
        return new BenchConfig(List.of("127.0.0.1:9101"), LoadShape.OPEN, rate, inFlight, duration, Duration.ZERO, 4,
                messageBytes, 2, 0, 1, Path.of("out"));
    }

    @Test
    void valuesOutOfRangeNameTheOption() {
        // Goal: a bad value is refused with the option's name and the allowed range.
        assertThatThrownBy(() -> with(0, 1, Duration.ofSeconds(1), 256)).hasMessage("--rate: must be in 1..1000000, got 0");
        assertThatThrownBy(() -> with(1, 0, Duration.ofSeconds(1), 256)).hasMessageStartingWith("--in-flight:");
        assertThatThrownBy(() -> with(1, 1, Duration.ZERO, 256)).hasMessageStartingWith("--duration:");
        assertThatThrownBy(() -> with(1, 1, Duration.ofSeconds(1), 10)).hasMessageStartingWith("--message-bytes:");
    }

    @Test
    void roomsAndLabelsFollowTheParameters() {
        // Goal: rooms are bench-0..M-1; labels name the load for directories and tables.
        BenchConfig open = SampleResults.config(LoadShape.OPEN);
        BenchConfig closed = SampleResults.config(LoadShape.CLOSED);

        assertThat(open.roomNames()).containsExactly("bench-0", "bench-1", "bench-2", "bench-3");
        assertThat(open.loadLabel()).isEqualTo("open-500");
        assertThat(closed.loadLabel()).isEqualTo("closed-16");
        assertThat(closed.loadDescription()).isEqualTo("closed loop, 16 in flight");
    }

    @Test
    void durationsAreReadAsPeopleWriteThem() {
        // Goal: --duration and --warmup take 20s, 500ms, 2m and 1.5s, and refuse anything else.
        assertThat(DurationText.parse("20s")).isEqualTo(Duration.ofSeconds(20));
        assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationText.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(DurationText.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThatThrownBy(() -> DurationText.parse("20")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> DurationText.parse("-1s")).hasMessageContaining("not a duration");
    }

    @Test
    void placementsSpreadOverNodesAndRooms() {
        // Goal: subscriber i goes to node i mod nodes and room i mod rooms.
        List<Placement> placements = Placement.spread(3, List.of("a:1", "b:2"), List.of("r0", "r1", "r2", "r3"));

        assertThat(placements).containsExactly(new Placement("a:1", "r0"), new Placement("b:2", "r1"), new Placement("a:1", "r2"));
    }
}
