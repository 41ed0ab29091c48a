package org.raftchat.node.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the JVM on the PATH says of a class-data archive the build made for a runnable jar. */
public final class ClassDataArchives {

    private ClassDataArchives() {
    }

    /**
     * The JVM's check of {@code archive} against {@code jar} and its lib/ ("archive is valid" or
     * "archive is invalid") followed by the archive's dictionary, one " NAME app_loader" line per
     * class of the application. The archive must exist and the JVM must exit with 0.
     */
    public static String checkAndList(Path archive, Path jar) throws IOException, InterruptedException {
        assertThat(archive).as("built by the package phase (mvn package)").isRegularFile();
        Process process = new ProcessBuilder(List.of("java", "-XX:SharedArchiveFile=" + archive.toAbsolutePath(),
                "-XX:+PrintSharedArchiveAndExit", "-XX:+PrintSharedDictionary", "-jar", jar.toAbsolutePath().toString()))
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
