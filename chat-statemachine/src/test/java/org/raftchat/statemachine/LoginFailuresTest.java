package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.statemachine.TestLog.at;
import static org.raftchat.statemachine.TestLog.entries;
import static org.raftchat.statemachine.TestLog.entry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.ClearLoginFailures;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.LoginThrottlePolicy;
import org.raftchat.proto.v1.RecordLoginFailure;

/** The replicated half of the login throttle: counts, lock-outs, clearing, pruning and the record cap. */
class LoginFailuresTest {

    /** 3 free per pair, 5 per address; 1 s doubling to 8 s; forgotten after 60 s idle; at most 6 records. */
    private static final LoginThrottlePolicy POLICY = LoginThrottlePolicy.newBuilder()
            .setFreeFailuresPerUser(3).setFreeFailuresPerAddress(5)
            .setBaseLockoutMs(1_000).setMaxLockoutMs(8_000)
            .setForgetAfterMs(60_000).setMaxRecords(6)
            .build();

    @TempDir
    Path dir;
    private long index;

    @Test
    void failuresPastTheFreeOnesLockThePairWithADoublingLockout() {
        // Goal: failures 1-2 lock nothing, the 3rd locks for 1 s, the 4th for 2 s ... capped at 8 s, from the command's time.
        try (ChatStateMachine machine = ChatStateMachine.open(dir)) {
            assertThat(fail(machine, 1_000, "alice", "10.0.0.1")).isEqualTo(new ApplyResult.LoginFailureRecorded("alice", 1, 1, 0));
            assertThat(fail(machine, 2_000, "alice", "10.0.0.1")).isEqualTo(new ApplyResult.LoginFailureRecorded("alice", 2, 2, 0));
            assertThat(fail(machine, 3_000, "alice", "10.0.0.1")).isEqualTo(new ApplyResult.LoginFailureRecorded("alice", 3, 3, 4_000));
            assertThat(fail(machine, 5_000, "alice", "10.0.0.1")).isEqualTo(new ApplyResult.LoginFailureRecorded("alice", 4, 4, 7_000));
            assertThat(machine.loginFailures("alice", "10.0.0.1")).isEqualTo(new LoginFailures(4, 7_000, 4, 0));
            for (int i = 0; i < 4; i++) {
                fail(machine, 10_000 + i, "alice", "10.0.0.1");
            }
            assertThat(machine.loginFailures("alice", "10.0.0.1").userLockedUntilMs()).isEqualTo(10_003 + 8_000);
        }
    }

    @Test
    void aStrangersFailuresFromOneAddressLeaveTheUserAtAnotherAddressAlone() {
        // Goal: the pair is per address; the address's own count spans usernames and locks the address past its free failures.
        try (ChatStateMachine machine = ChatStateMachine.open(dir)) {
            for (int i = 0; i < 3; i++) {
                fail(machine, 1_000, "alice", "10.6.6.6");
            }
            assertThat(machine.loginFailures("alice", "10.6.6.6").userLockedUntilMs()).isEqualTo(2_000);
            assertThat(machine.loginFailures("alice", "10.0.0.1")).isEqualTo(new LoginFailures(0, 0, 0, 0));
            fail(machine, 1_000, "bob", "10.6.6.6");
            ApplyResult fifth = fail(machine, 1_000, "carol", "10.6.6.6");
            assertThat(fifth).isEqualTo(new ApplyResult.LoginFailureRecorded("carol", 1, 5, 2_000));
            assertThat(machine.loginFailures("dave", "10.6.6.6")).isEqualTo(new LoginFailures(0, 0, 5, 2_000));
            assertThat(machine.loginFailures("dave", "10.6.6.6").lockedByAddress()).isTrue();
        }
    }

    @Test
    void aCorrectLoginClearsThePairButNotTheAddress() {
        // Goal: ClearLoginFailures forgets (user, address); the address keeps counting (one's own login excuses no guessing).
        try (ChatStateMachine machine = ChatStateMachine.open(dir)) {
            fail(machine, 1_000, "alice", "10.0.0.1");
            fail(machine, 1_000, "alice", "10.0.0.1");
            assertThat(clear(machine, "alice", "10.0.0.1")).isEqualTo(new ApplyResult.LoginFailuresCleared("alice"));
            assertThat(machine.loginFailures("alice", "10.0.0.1")).isEqualTo(new LoginFailures(0, 0, 2, 0));
            assertThat(machine.loginFailureRecords()).isEqualTo(1);
            assertThat(clear(machine, "nobody", "10.0.0.1")).isEqualTo(new ApplyResult.LoginFailuresCleared("nobody"));
            assertThat(machine.loginFailureRecords()).isEqualTo(1);
        }
    }

    @Test
    void idleRecordsAreForgottenOldestFirstAndTheRecordCountStaysUnderTheCap() {
        // Goal: a failure prunes records idle past forgetAfter; beyond maxRecords the oldest go even when fresh.
        try (ChatStateMachine machine = ChatStateMachine.open(dir)) {
            fail(machine, 1_000, "alice", "10.0.0.1");
            fail(machine, 2_000, "bob", "10.0.0.2");
            assertThat(machine.loginFailureRecords()).isEqualTo(4);
            fail(machine, 61_500, "carol", "10.0.0.3"); // alice idle 60.5 s: forgotten; bob idle 59.5 s: kept
            assertThat(machine.loginFailures("alice", "10.0.0.1")).isEqualTo(new LoginFailures(0, 0, 0, 0));
            assertThat(machine.loginFailures("bob", "10.0.0.2").userFailures()).isEqualTo(1);
            assertThat(machine.loginFailureRecords()).isEqualTo(4);
            for (int i = 0; i < 10; i++) {
                fail(machine, 63_000 + i, "u" + i, "10.1.0." + i);
                assertThat(machine.loginFailureRecords()).isLessThanOrEqualTo(POLICY.getMaxRecords());
            }
            assertThat(machine.loginFailures("u9", "10.1.0.9")).isEqualTo(new LoginFailures(1, 0, 1, 0));
            assertThat(machine.loginFailures("bob", "10.0.0.2")).isEqualTo(new LoginFailures(0, 0, 0, 0));
        }
    }

    @Test
    void theSameFailuresGiveTheSameStateInAnyBatchingAndThroughACheckpoint() {
        // Goal: apply stays deterministic (one entry per batch vs all in one batch), and the records are in snapshots.
        List<Command> log = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            log.add(at(1_000L * i, i % 7 == 6 ? clearCommand("user" + (i % 3), "10.0.0." + (i % 4))
                    : failCommand("user" + (i % 3), "10.0.0." + (i % 4))));
        }
        byte[] digest;
        try (ChatStateMachine one = ChatStateMachine.open(dir.resolve("one"))) {
            for (int i = 0; i < log.size(); i++) {
                one.applyBatch(List.of(entry(i + 1, log.get(i))));
            }
            digest = one.stateDigest();
            one.checkpointTo(dir.resolve("checkpoint"));
        }
        try (ChatStateMachine all = ChatStateMachine.open(dir.resolve("all"))) {
            all.applyBatch(entries(1, log.toArray(Command[]::new)));
            assertThat(all.stateDigest()).isEqualTo(digest);
        }
        try (ChatStateMachine restored = ChatStateMachine.open(dir.resolve("restored"))) {
            restored.restoreFrom(dir.resolve("checkpoint"));
            assertThat(restored.stateDigest()).isEqualTo(digest);
            assertThat(restored.loginFailureRecords()).isPositive();
        }
    }

    private ApplyResult fail(ChatStateMachine machine, long timeMs, String user, String address) {
        return machine.applyBatch(List.of(entry(++index, at(timeMs, failCommand(user, address))))).get(0);
    }

    private ApplyResult clear(ChatStateMachine machine, String user, String address) {
        return machine.applyBatch(List.of(entry(++index, clearCommand(user, address)))).get(0);
    }

    private static Command failCommand(String user, String address) {
        return Command.newBuilder().setRecordLoginFailure(RecordLoginFailure.newBuilder()
                .setUsername(user).setClientAddress(address).setPolicy(POLICY)).build();
    }

    private static Command clearCommand(String user, String address) {
        return Command.newBuilder().setClearLoginFailures(ClearLoginFailures.newBuilder()
                .setUsername(user).setClientAddress(address)).build();
    }
}
