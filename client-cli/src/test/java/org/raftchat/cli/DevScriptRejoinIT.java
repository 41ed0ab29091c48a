package org.raftchat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./raftchat-dev rejoin N} on a real 3-node cluster of separate processes, started by the script
 * itself in a run dir of its own (ports apart from a developer's cluster): it wipes a node's data only
 * once the node is out of the configuration.
 */
class DevScriptRejoinIT {

    @TempDir
    Path run;

    @AfterEach
    void stopCluster() throws Exception {
        dev("down");
    }

    @Test
    void aRefusedRemovalKeepsTheNodesDataAndASuccessfulRejoinStartsItEmptyAsAMemberAgain() throws Exception {
        // Goal: a member must never lose its vote record. With n3 down, removing n2 would leave the leader
        // no majority it hears from, so the leader refuses; rejoin must then stop and keep n2's data
        // (it once went on, "it may not be a member", and wiped it). With n3 back, rejoin goes through.
        DevScript.Result up = dev("up", "--no-attach");
        assertThat(up.exitCode()).as(up.output()).isZero();
        assertThat(dev("kill", "n3").exitCode()).isZero();
        // Past the leader's lease (90% of the 500 ms election timeout): n3 no longer counts as heard from.
        Thread.sleep(2_000);
        Path marker = Files.writeString(run.resolve("data/n2/written-before-rejoin"), "n2's data");

        DevScript.Result refused = dev("rejoin", "n2");

        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("cannot remove node n2 now").contains("its data stays");
        assertThat(marker).exists();

        assertThat(dev("restart", "n3").exitCode()).isZero();
        // Until the leader has heard from the restarted n3 again it still refuses, and keeps n2's data.
        DevScript.Result rejoined = dev("rejoin", "n2");
        for (int attempt = 1; rejoined.exitCode() != 0 && attempt < 10; attempt++) {
            assertThat(rejoined.output()).contains("cannot remove node n2 now");
            assertThat(marker).exists();
            Thread.sleep(1_000);
            rejoined = dev("rejoin", "n2");
        }

        assertThat(rejoined.exitCode()).as(rejoined.output()).isZero();
        assertThat(rejoined.output()).contains("deleted " + run.resolve("data/n2"));
        assertThat(marker).doesNotExist();
        assertThat(run.resolve("data/n2")).isDirectory();
        List<String> rows = dev("status").output().lines().filter(line -> line.matches("\\s*n[123]\\s.*")).toList();
        assertThat(rows).hasSize(3).allSatisfy(row -> assertThat(row).containsPattern("STATE_(LEADER|FOLLOWER)"));
    }

    /** The script on this test's run dir, with ports apart from a developer's cluster (7100+/9100+). */
    private DevScript.Result dev(String... args) throws Exception {
        return new DevScript(Map.of("RAFTCHAT_RUN_DIR", run.toString(),
                "RAFTCHAT_RAFT_PORT_BASE", "47300", "RAFTCHAT_API_PORT_BASE", "49300")).run(args);
    }
}
