package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.statemachine.TestLog.at;
import static org.raftchat.statemachine.TestLog.entries;
import static org.raftchat.statemachine.TestLog.login;
import static org.raftchat.statemachine.TestLog.presenceTick;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PresenceRuleTest {

    @TempDir
    Path dir;

    private ChatStateMachine machine;

    @BeforeEach
    void open() {
        machine = ChatStateMachine.open(dir.resolve("db"));
        TestLog.registerAll(machine, "alice", "bob");
        // alice last seen at 1,000, bob at 5,000 (the latest leader time applied).
        machine.applyBatch(entries(3, at(1_000, login("alice", "laptop", "ta")), at(5_000, login("bob", "phone", "tb"))));
    }

    @AfterEach
    void close() {
        machine.close();
    }

    @Test
    void theLeadersCandidatesAreSilentByTheRuleApplyUses() {
        // Goal: the sessions the leader's query names as silent are exactly those a tick at that time takes offline.
        assertThat(tokens(machine.onlineSilentAt(5_500, 1_000))).containsExactly("ta");
        assertThat(tokens(machine.onlineSilentAt(5_500, 4_500))).isEmpty();

        List<ApplyResult> results = machine.applyBatch(entries(5, at(5_500, presenceTick(1_000))));

        assertThat(results).containsExactly(new ApplyResult.PresenceUpdated(1));
        assertThat(machine.online()).containsExactly("bob");
        assertThat(machine.onlineSilentAt(5_500, 1_000)).isEmpty();
    }

    @Test
    void aLeaderClockBehindTheAppliedTimeIsJudgedAtTheAppliedTime() {
        // Goal: apply never stamps a command before the last applied time, so neither does the leader's query.
        assertThat(tokens(machine.onlineSilentAt(0, 3_000))).containsExactly("ta");

        machine.applyBatch(entries(5, at(0, presenceTick(3_000))));

        assertThat(machine.online()).containsExactly("bob");
    }

    private static List<String> tokens(List<byte[]> digests) {
        return digests.stream().map(d -> new String(d, StandardCharsets.UTF_8)).toList();
    }
}
