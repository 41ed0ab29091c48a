package org.raftchat.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the node processes in a raftchat-dev run dir, and measuring their data dirs. */
class NodeProcessTest {

    @TempDir
    Path run;

    @Test
    void aRunDirNamesEachNodesPidAndDataDir() throws Exception {
        // Goal: pids/<id>.pid and data/<id>, as raftchat-dev writes them, in id order.
        Files.createDirectories(run.resolve("pids"));
        Files.writeString(run.resolve("pids/n2.pid"), "202\n");
        Files.writeString(run.resolve("pids/n1.pid"), "101\n");
        Files.createDirectories(run.resolve("data/n1/raft"));
        Files.write(run.resolve("data/n1/raft/log"), new byte[1000]);
        Files.write(run.resolve("data/n1/state"), new byte[24]);

        assertThat(NodeProcess.ofRunDir(run)).containsExactly(
                new NodeProcess("n1", 101, run.resolve("data/n1")), new NodeProcess("n2", 202, run.resolve("data/n2")));
        assertThat(ProcStats.treeBytes(run.resolve("data/n1"))).isEqualTo(1024);
        assertThat(ProcStats.treeBytes(run.resolve("data/n2"))).isEqualTo(-1);
    }

    @Test
    void aDirWithoutPidsIsRefusedWithTheReason() throws Exception {
        // Goal: a wrong --run-dir is named at once, with what is missing.
        assertThatThrownBy(() -> NodeProcess.ofRunDir(run)).hasMessageContaining("has no pids/ directory");
        Files.createDirectories(run.resolve("pids"));
        assertThatThrownBy(() -> NodeProcess.ofRunDir(run)).hasMessageContaining("no node is running");
        Files.writeString(run.resolve("pids/n1.pid"), "abc");
        assertThatThrownBy(() -> NodeProcess.ofRunDir(run)).hasMessageContaining("does not hold a process id: 'abc'");
    }
}
