package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.statemachine.TestLog.at;
import static org.raftchat.statemachine.TestLog.createRoom;
import static org.raftchat.statemachine.TestLog.entries;
import static org.raftchat.statemachine.TestLog.login;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.CloseSession;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.OpenSession;

/**
 * Authenticating a call reads the session through {@link SessionCache}: every way a session ends
 * must be seen by the very next lookup, though the session was looked up (and cached) before.
 */
class SessionLookupTest {

    @TempDir
    Path dir;

    private ChatStateMachine machine;
    private long nextIndex = 1;

    @BeforeEach
    void open() {
        machine = ChatStateMachine.open(dir.resolve("db"));
        TestLog.registerAll(machine, "alice", "bob");
        nextIndex = machine.appliedIndex() + 1;
    }

    @AfterEach
    void close() {
        machine.close();
    }

    private void apply(long leaderTimeMs, Command command) {
        machine.applyBatch(entries(nextIndex++, at(leaderTimeMs, command)));
    }

    private static byte[] token(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aLoggedOutSessionIsRefusedAtOnceThoughItWasLookedUpBefore() {
        apply(1_000, login("bob", "phone", "t1"));
        assertThat(machine.session(token("t1"))).contains(new SessionInfo("bob", "phone"));
        assertThat(machine.session(token("t1"))).as("again, from the cache").contains(new SessionInfo("bob", "phone"));

        apply(2_000, Command.newBuilder().setCloseSession(CloseSession.newBuilder().setTokenSha256(ByteString.copyFromUtf8("t1"))).build());

        assertThat(machine.session(token("t1"))).isEmpty();
    }

    @Test
    void aSessionPastItsIdleLifetimeIsRefusedOnceLeaderTimePassesItThoughNothingWroteTheSession() {
        apply(1_000, Command.newBuilder().setOpenSession(OpenSession.newBuilder().setUsername("bob").setDeviceId("phone")
                .setTokenSha256(ByteString.copyFromUtf8("t1")).setIdleTimeoutMs(5_000)).build());
        assertThat(machine.session(token("t1"))).isPresent();

        apply(3_000, createRoom("general", "alice"));
        assertThat(machine.session(token("t1"))).as("within the idle lifetime").isPresent();

        apply(7_000, createRoom("random", "alice"));
        assertThat(machine.session(token("t1"))).as("leader time passed the idle deadline").isEmpty();
    }

    @Test
    void aRestoreBringsTheCheckpointsSessionsNotTheCachedOnes() {
        apply(1_000, login("alice", "laptop", "kept"));
        machine.checkpointTo(dir.resolve("cp"));
        apply(2_000, login("bob", "phone", "later"));
        apply(3_000, Command.newBuilder().setCloseSession(CloseSession.newBuilder().setTokenSha256(ByteString.copyFromUtf8("kept"))).build());
        assertThat(machine.session(token("later"))).isPresent();
        assertThat(machine.session(token("kept"))).isEmpty();

        machine.restoreFrom(dir.resolve("cp"));

        assertThat(machine.session(token("later"))).as("logged in after the checkpoint").isEmpty();
        assertThat(machine.session(token("kept"))).as("live in the checkpoint").contains(new SessionInfo("alice", "laptop"));
    }

    @Test
    void anotherUsersLoginDoesNotEndASession() {
        apply(1_000, login("bob", "phone", "t1"));
        assertThat(machine.session(token("t1"))).isPresent();

        apply(2_000, login("alice", "laptop", "t2"));

        assertThat(machine.session(token("t1"))).contains(new SessionInfo("bob", "phone"));
        assertThat(machine.session(token("t2"))).contains(new SessionInfo("alice", "laptop"));
    }
}
