package org.raftchat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code ./raftchat-dev} on a run dir of a test's own, with what it printed (stdout and stderr) and its exit code. */
final class DevScript {

    private static final Path SCRIPT = Path.of("..", "raftchat-dev").toAbsolutePath().normalize();

    record Result(int exitCode, String output) {
    }

    private final Map<String, String> environment;

    /** {@code environment}: RAFTCHAT_RUN_DIR and whatever else the script reads (port bases). */
    DevScript(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(String.join(" ", args) + ": " + out).isTrue();
        return new Result(p.exitValue(), out);
    }
}
