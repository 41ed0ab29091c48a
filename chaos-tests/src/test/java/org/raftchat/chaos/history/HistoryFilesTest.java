package org.raftchat.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.chaos.testing.GeneratedHistory;
import org.raftchat.chaos.testing.Scenario;

class HistoryFilesTest {

    @TempDir
    Path dir;

    @Test
    void writtenHistoryReadsBackEqual() throws IOException {
        // Goal: every kind of record survives the JSON lines round trip unchanged, order included.
        HistoryData data = GeneratedHistory.generate(5, 3_000);
        Path file = dir.resolve(HistoryFiles.FILE_NAME);

        HistoryFiles.write(file, data);
        HistoryData back = HistoryFiles.read(file);

        assertThat(back).isEqualTo(data);
        assertThat(data.faults()).isNotEmpty();
        assertThat(data.subscriberEvents()).isNotEmpty();
    }

    @Test
    void eachLineIsOneObjectTaggedWithItsKind() throws IOException {
        // Goal: the file is plain JSON lines with a "kind" first and nulls left out, readable with jq or grep.
        Scenario s = new Scenario();
        s.history.faultStart("kill", "kill n2");
        s.okPost(0, "hello", 1);
        s.connect(1, "n1", 0);
        s.deliver(1, "n1", 1, "hello");
        s.finalReads("hello");
        Path file = dir.resolve(HistoryFiles.FILE_NAME);

        HistoryFiles.write(file, s.data());

        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> lines = Files.readAllLines(file).stream().map(line -> readTree(mapper, line)).toList();
        assertThat(lines).extracting(n -> n.fieldNames().next()).containsOnly("kind");
        assertThat(lines).extracting(n -> n.get("kind").asText())
                .containsExactly("fault", "op", "op", "subscriber", "delivery", "final", "final", "final");
        // A subscriber event's own kind cannot share the tag's name.
        assertThat(lines.get(3).get("event").asText()).isEqualTo("connect");
        JsonNode ok = lines.get(2);
        assertThat(ok.get("type").asText()).isEqualTo("OK");
        assertThat(ok.get("seq").asLong()).isEqualTo(1);
        assertThat(ok.has("error")).isFalse();
    }

    @Test
    void unknownKindIsAnErrorNamingTheLine() throws IOException {
        // Goal: a corrupt or foreign file fails loudly with the line number instead of being half read.
        Path file = dir.resolve(HistoryFiles.FILE_NAME);
        Files.writeString(file, "{\"kind\":\"fault\",\"nemesis\":\"kill\",\"startNanos\":1,\"endNanos\":2}\n"
                + "{\"kind\":\"mystery\"}\n");

        assertThatThrownBy(() -> HistoryFiles.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(":2:")
                .hasMessageContaining("mystery");
    }

    private static JsonNode readTree(ObjectMapper mapper, String line) {
        try {
            return mapper.readTree(line);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
