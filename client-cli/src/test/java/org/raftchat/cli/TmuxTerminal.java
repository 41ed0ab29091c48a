package org.raftchat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A program in a real pseudo-terminal: one tmux session on a private server socket. Tests type
 * with {@link #type} and read the screen with {@link #transcript} (everything printed so far,
 * wrapped lines joined) or {@link #visible} (what is on the screen now).
 */
final class TmuxTerminal implements AutoCloseable {

    static final String TMUX = "tmux";

    private final Path socket;
    private final String name;

    private TmuxTerminal(Path socket, String name) {
        this.socket = socket;
        this.name = name;
    }

    /** Fails (does not skip) when tmux is missing: CI installs it (.ci/run). */
    static void requireTmux() {
        assertThat(run(List.of(TMUX, "-V")).exitCode())
                .as("tmux is needed to drive the interactive client in a terminal (apt-get install -y tmux)")
                .isZero();
    }

    /** Starts {@code command} with {@code env} in a 200x50 terminal; the pane stays open after it exits. */
    static TmuxTerminal start(Path socket, String name, Map<String, String> env, List<String> command) {
        String envWords = env.entrySet().stream().map(e -> e.getKey() + "=" + quote(e.getValue())).collect(Collectors.joining(" "));
        String shell = "env " + envWords + " " + command.stream().map(TmuxTerminal::quote).collect(Collectors.joining(" "))
                + "; echo '[raftchat exited with '$?']'; sleep 3600";
        Result started = run(List.of(TMUX, "-f", "/dev/null", "-S", socket.toString(), "new-session", "-d", "-s", name,
                "-x", "200", "-y", "50", shell));
        assertThat(started.exitCode()).as("tmux new-session: " + started.output()).isZero();
        // Scrollback for the whole transcript.
        run(List.of(TMUX, "-S", socket.toString(), "set-option", "-t", name, "history-limit", "100000"));
        return new TmuxTerminal(socket, name);
    }

    /** Types {@code text} literally, then Enter. */
    void type(String text) {
        tmux("send-keys", "-t", name, "-l", text);
        tmux("send-keys", "-t", name, "Enter");
    }

    /** Everything the program printed, scrollback included, wrapped lines joined. */
    String transcript() {
        return tmux("capture-pane", "-p", "-J", "-S", "-", "-t", name);
    }

    /** The screen as it is now. */
    String visible() {
        return tmux("capture-pane", "-p", "-J", "-t", name);
    }

    private String tmux(String... args) {
        List<String> command = new ArrayList<>(List.of(TMUX, "-S", socket.toString()));
        command.addAll(List.of(args));
        Result result = run(command);
        assertThat(result.exitCode()).as(String.join(" ", command) + ": " + result.output()).isZero();
        return result.output();
    }

    @Override
    public void close() {
        run(List.of(TMUX, "-S", socket.toString(), "kill-session", "-t", name));
    }

    static void killServer(Path socket) {
        run(List.of(TMUX, "-S", socket.toString(), "kill-server"));
    }

    private record Result(int exitCode, String output) { }

    private static Result run(List<String> command) {
        try {
            Path out = Files.createTempFile("tmux", ".out");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return new Result(-1, "timed out");
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
