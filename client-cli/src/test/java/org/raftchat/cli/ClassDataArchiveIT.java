package org.raftchat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.testing.ClassDataArchives;

/**
 * The client's class-data archive (AppCDS) that the package phase builds from
 * src/main/cds/client-cli.classlist: the JVM on the PATH accepts it for this jar and its lib/ (it
 * checks every jar against the archive), it holds the classes a command needs beyond picocli (gRPC's
 * channel, JLine's reader), and bin/raftchat passes it, so a command's classes come from it.
 */
class ClassDataArchiveIT {

    static final Path ARCHIVE = Path.of("target", "client-cli.jsa").toAbsolutePath();
    static final Path JAR = Path.of("target", "client-cli.jar").toAbsolutePath();
    static final Path LAUNCHER = Path.of("..", "bin", "raftchat").toAbsolutePath().normalize();

    @Test
    void theArchiveIsValidForThisJarAndHoldsWhatACommandLoads() throws Exception {
        // Goal: "archive is valid" (another JDK's archive, or one older than a jar, is not), and its
        // dictionary names the CLI's entry point, the gRPC channel and the interactive client's reader.
        String out = ClassDataArchives.checkAndList(ARCHIVE, JAR);
        assertThat(out).contains("archive is valid");
        assertThat(out).contains(" org.raftchat.cli.RaftChatCli app_loader", " io.grpc.internal.ManagedChannelImpl app_loader",
                " org.jline.reader.impl.LineReaderImpl app_loader");
    }

    @Test
    void theLauncherRunsACommandFromTheArchive(@TempDir Path dir) throws Exception {
        // Goal: bin/raftchat --version, with class loading logged to a file: the CLI's classes say
        // "source: shared objects file", not the jar.
        Path log = dir.resolve("class-load.log");
        String out = run(Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log), LAUNCHER.toString(), "--version");
        assertThat(out).contains("raftchat ");
        assertThat(Files.readString(log))
                .contains("org.raftchat.cli.RaftChatCli source: shared objects file")
                .contains("picocli.CommandLine source: shared objects file");
    }

    /** Runs a command to its end; its exit status must be 0. Returns stdout and stderr together. */
    private static String run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        assertThat(ARCHIVE).as("built by the package phase (mvn package)").isRegularFile();
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process process = pb.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
