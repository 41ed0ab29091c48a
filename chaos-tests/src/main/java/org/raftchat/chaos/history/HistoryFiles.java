package org.raftchat.chaos.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores a {@link HistoryData} as JSON lines and reads it back.
 *
 * <p>Format: one JSON object per line, UTF-8. Each object has a {@code "kind"} field, then the
 * fields of the record it holds, by their record component names; null fields are omitted.
 * <ul>
 *   <li>{@code "op"}: an {@link Op}</li>
 *   <li>{@code "delivery"}: a {@link Delivery}</li>
 *   <li>{@code "subscriber"}: a {@link SubscriberEvent}; its own {@code kind} ("connect" /
 *       "disconnect") is stored as {@code "event"}, since {@code "kind"} is the line's tag</li>
 *   <li>{@code "fault"}: a {@link FaultWindow}</li>
 *   <li>{@code "final"}: a {@link FinalRead}</li>
 * </ul>
 * Lines are in time order (a fault at its start time) so the file reads as a log of the run;
 * the final reads come last. The order within each kind is the order of the lists in the
 * {@link HistoryData}, so {@code read(write(h))} equals {@code h}. Unknown fields are ignored
 * when reading, so older tools can read files with added fields; an unknown kind is an error.
 */
public final class HistoryFiles {

    /** The file name a run directory uses for its history. */
    public static final String FILE_NAME = "history.jsonl";

    static final String OP = "op";
    static final String DELIVERY = "delivery";
    static final String SUBSCRIBER = "subscriber";
    static final String FAULT = "fault";
    static final String FINAL = "final";

    /** Where a subscriber line keeps {@link SubscriberEvent#kind()}: "kind" is taken by the tag. */
    private static final String EVENT_FIELD = "event";

    private static final ObjectMapper MAPPER = mapper();

    private HistoryFiles() {
    }

    /** A mapper configured as the history file expects: nulls omitted, unknown fields ignored. */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Writes {@code data} to {@code file}, replacing it. */
    public static void write(Path file, HistoryData data) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Line line : TimeOrder.merge(data)) {
                out.write(MAPPER.writeValueAsString(tagged(line)));
                out.newLine();
            }
        }
    }

    /** Reads a file written by {@link #write}; throws with the line number on a malformed line. */
    public static HistoryData read(Path file) throws IOException {
        Collector collector = new Collector();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int lineNumber = 0;
            while ((text = in.readLine()) != null) {
                lineNumber++;
                if (!text.isBlank()) {
                    readLine(file, lineNumber, text, collector);
                }
            }
        }
        return collector.toData();
    }

    private static ObjectNode tagged(Line line) {
        ObjectNode body = MAPPER.valueToTree(line.value());
        if (SUBSCRIBER.equals(line.kind())) {
            body.set(EVENT_FIELD, body.remove("kind"));
        }
        ObjectNode node = MAPPER.createObjectNode();
        node.put("kind", line.kind());
        return node.setAll(body);
    }

    private static void readLine(Path file, int lineNumber, String text, Collector collector) throws IOException {
        try {
            JsonNode node = MAPPER.readTree(text);
            String kind = node.path("kind").asText("");
            ((ObjectNode) node).remove("kind");
            collector.add(kind, node);
        } catch (JsonProcessingException | IllegalArgumentException | ClassCastException e) {
            throw new IOException(file + ":" + lineNumber + ": " + e.getMessage(), e);
        }
    }

    /** One line to write: its kind tag and the record. */
    record Line(String kind, long timeNanos, Object value) {
    }

    /** Sorts records into their lists by kind. */
    private static final class Collector {
        private final List<Op> ops = new ArrayList<>();
        private final List<Delivery> deliveries = new ArrayList<>();
        private final List<SubscriberEvent> events = new ArrayList<>();
        private final List<FaultWindow> faults = new ArrayList<>();
        private final List<FinalRead> finals = new ArrayList<>();

        void add(String kind, JsonNode node) throws JsonProcessingException {
            switch (kind) {
                case OP -> ops.add(MAPPER.treeToValue(node, Op.class));
                case DELIVERY -> deliveries.add(MAPPER.treeToValue(node, Delivery.class));
                case SUBSCRIBER -> events.add(MAPPER.treeToValue(untagEvent(node), SubscriberEvent.class));
                case FAULT -> faults.add(MAPPER.treeToValue(node, FaultWindow.class));
                case FINAL -> finals.add(MAPPER.treeToValue(node, FinalRead.class));
                default -> throw new IllegalArgumentException("unknown kind '" + kind + "'");
            }
        }

        private static JsonNode untagEvent(JsonNode node) {
            ObjectNode event = (ObjectNode) node;
            event.set("kind", event.remove(EVENT_FIELD));
            return event;
        }

        HistoryData toData() {
            return new HistoryData(ops, deliveries, events, faults, finals);
        }
    }
}
