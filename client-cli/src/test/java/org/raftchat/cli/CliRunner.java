package org.raftchat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs {@code raftchat} in-process through {@link RaftChatCli#newCommandLine} (the CLI's own
 * handlers), with captured stdout and stderr reset before each run and an environment the test
 * controls (so no test reads or writes the real home directory).
 */
final class CliRunner {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClientFactory clients;
    final Map<String, String> env = new HashMap<>();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    CliRunner(ClientFactory clients, Map<String, String> env) {
        this.clients = clients;
        this.env.putAll(env);
    }

    int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CliContext context = new CliContext(clients, env, new ByteArrayInputStream(new byte[0]), ZoneOffset.UTC);
        CommandLine cli = RaftChatCli.newCommandLine(new RaftChatCli(context));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    /** stdout as exactly one JSON object on one line. */
    JsonNode json() {
        List<JsonNode> lines = jsonLines(out());
        if (lines.size() != 1) {
            throw new AssertionError("expected one JSON line on stdout, got " + lines.size() + ": " + out());
        }
        return lines.get(0);
    }

    /** stderr as exactly one JSON object on one line. */
    JsonNode errorJson() {
        List<JsonNode> lines = jsonLines(err());
        if (lines.size() != 1) {
            throw new AssertionError("expected one JSON line on stderr, got " + lines.size() + ": " + err());
        }
        return lines.get(0);
    }

    static List<JsonNode> jsonLines(String text) {
        return text.lines().map(CliRunner::parse).toList();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException("not JSON: " + line, e);
        }
    }
}
