package org.raftchat.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one place a command's result and failures are rendered: lines of text for people, or for
 * {@code --output json} one compact JSON object per line (NDJSON) on stdout and a JSON error object
 * on stderr. Results are records (see {@link JsonViews}) serialized by Jackson; absent optional
 * fields are left out.
 */
final class CommandOutput {

    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final boolean json;
    private final PrintWriter out;
    private final PrintWriter err;

    CommandOutput(boolean json, PrintWriter out, PrintWriter err) {
        this.json = json;
        this.out = out;
        this.err = err;
    }

    boolean json() {
        return json;
    }

    /** A command's result: {@code value} as one JSON line, or whatever {@code text} prints. */
    void result(Object value, Consumer<PrintWriter> text) {
        if (json) {
            out.println(toJson(value));
        } else {
            text.accept(out);
        }
        out.flush();
    }

    /** A result that is one line of text. */
    void result(Object value, String text) {
        result(value, o -> o.println(text));
    }

    /** Something worth telling while a command runs (a reconnect): {@code raftchat: ...} or {@code {"notice": ...}} on stderr. */
    void notice(String message) {
        err.println(json ? toJson(Map.of("notice", message)) : "raftchat: " + message);
        err.flush();
    }

    /** A failure on stderr, one line: {@code raftchat: message} or {@code {"error":{"code":...,"message":...}}}; returns its exit code. */
    int failure(ExitCodes.Failure failure) {
        err.println(json ? errorJson(failure) : "raftchat: " + failure.message());
        err.flush();
        return failure.exitCode();
    }

    static String errorJson(ExitCodes.Failure failure) {
        return toJson(Map.of("error", new JsonViews.Error(failure.code(), failure.message(), failure.exitCode())));
    }

    static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
