package org.raftchat.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** {@code result.json}: a {@link BenchResult} with snake_case names, and back. */
public final class ResultJson {

    public static final String FILE_NAME = "result.json";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            // Later versions may add fields; a summary of old and new runs must still read both.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ResultJson() {
    }

    static String toJson(BenchResult result) {
        try {
            return MAPPER.writeValueAsString(result);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path file, BenchResult result) {
        try {
            MAPPER.writeValue(file.toFile(), result);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static BenchResult read(Path file) {
        try {
            return MAPPER.readValue(file.toFile(), BenchResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static BenchResult fromJson(String json) {
        try {
            return MAPPER.readValue(json, BenchResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
