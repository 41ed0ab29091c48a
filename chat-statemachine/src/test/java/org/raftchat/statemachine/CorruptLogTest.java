package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.raftchat.statemachine.TestLog.createRoom;
import static org.raftchat.statemachine.TestLog.entry;
import static org.raftchat.statemachine.TestLog.group;
import static org.raftchat.statemachine.TestLog.post;
import static org.raftchat.statemachine.TestLog.roomRef;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.DeleteMessage;
import org.raftchat.proto.v1.EditMessage;

class CorruptLogTest {

    @TempDir
    Path dir;

    private ChatStateMachine machine;
    private byte[] digestBefore;

    @BeforeEach
    void open() {
        machine = ChatStateMachine.open(dir.resolve("db"));
        machine.applyBatch(List.of(entry(1, createRoom("general", "alice"))));
        digestBefore = machine.stateDigest();
    }

    @AfterEach
    void close() {
        machine.close();
    }

    @Test
    void undecodableBytesStopTheBatch() {
        // Goal: bytes that are not a Command throw CorruptLogException and the valid entries before them are not written.
        byte[] truncated = {0x52, 0x05, 0x0a}; // field 10, length 5, but one byte follows
        List<LogEntry> batch = List.of(entry(2, post("general", "alice", "valid")), new LogEntry(3, truncated));

        assertThatThrownBy(() -> machine.applyBatch(batch))
                .isInstanceOf(CorruptLogException.class)
                .satisfies(e -> assertThat(((CorruptLogException) e).index()).isEqualTo(3))
                .hasMessageContaining("not a Command");
        assertNothingWritten();
    }

    @Test
    void commandWithoutBodyStopsTheBatch() {
        // Goal: a Command with no body (or a body type this version does not know) is corruption, not a no-op.
        Command empty = Command.newBuilder().setIdempotencyKey("k").setLeaderTimeMs(5).build();
        List<LogEntry> batch = List.of(entry(2, post("general", "alice", "valid")), entry(3, empty));

        assertThatThrownBy(() -> machine.applyBatch(batch))
                .isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("no body");
        assertNothingWritten();
    }

    @Test
    void emptyBytesAreCorrupt() {
        // Goal: an empty entry decodes to a Command without body and is refused as corrupt.
        assertThatThrownBy(() -> machine.applyBatch(List.of(new LogEntry(2, new byte[0]))))
                .isInstanceOf(CorruptLogException.class);
        assertNothingWritten();
    }

    @Test
    void repeatedIndexStopsTheBatch() {
        // Goal: the same index twice in one batch breaks the log order invariant.
        List<LogEntry> batch = List.of(entry(2, post("general", "a", "x")), entry(2, post("general", "a", "y")));

        assertThatThrownBy(() -> machine.applyBatch(batch))
                .isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("does not increase");
        assertNothingWritten();
    }

    @Test
    void decreasingIndexStopsTheBatch() {
        // Goal: indexes going down inside a batch break the invariant, even below the applied index.
        List<LogEntry> batch = List.of(entry(3, post("general", "a", "x")), entry(1, createRoom("general", "a")));

        assertThatThrownBy(() -> machine.applyBatch(batch)).isInstanceOf(CorruptLogException.class);
        assertNothingWritten();
    }

    @Test
    void nonPositiveIndexIsCorrupt() {
        // Goal: Raft indexes start at 1; index 0 cannot come from a real log.
        assertThatThrownBy(() -> machine.applyBatch(List.of(entry(0, post("general", "a", "x")))))
                .isInstanceOf(CorruptLogException.class);
        assertNothingWritten();
    }

    @Test
    void aCommandThatFailsUnexpectedlyStopsTheBatchNamingItsEntryAndKind() {
        // Goal: an exception apply did not expect (here an edit naming no conversation, which the leader's
        // validation never lets in) is not thrown raw: it names the entry and the command, and nothing is written.
        Command noConversation = Command.newBuilder().setEditMessage(
                EditMessage.newBuilder().setUser("alice").setSeq(1).setText("new")).build();
        List<LogEntry> batch = List.of(entry(2, post("general", "alice", "valid")), entry(3, noConversation));

        assertThatThrownBy(() -> machine.applyBatch(batch))
                .isInstanceOfSatisfying(ApplyFailedException.class, e -> {
                    assertThat(e.index()).isEqualTo(3);
                    assertThat(e.commandKind()).isEqualTo("EDIT_MESSAGE");
                    assertThat(e).hasCauseInstanceOf(IllegalArgumentException.class);
                })
                .hasMessageContaining("log entry 3 (EDIT_MESSAGE)");
        assertNothingWritten();
    }

    @Test
    void aFailingCommandInsideAGroupNamesItsEntry() {
        // Goal: a group-committed entry fails as a whole, and the error names the entry that holds the command.
        Command noConversation = Command.newBuilder().setDeleteMessage(
                DeleteMessage.newBuilder().setUser("alice").setSeq(1)).build();

        assertThatThrownBy(() -> machine.applyBatch(List.of(entry(2, group(post("general", "alice", "valid"), noConversation)))))
                .isInstanceOfSatisfying(ApplyFailedException.class, e -> {
                    assertThat(e.index()).isEqualTo(2);
                    assertThat(e.commandKind()).isEqualTo("DELETE_MESSAGE");
                });
        assertNothingWritten();
    }

    private void assertNothingWritten() {
        assertThat(machine.stateDigest()).isEqualTo(digestBefore);
        assertThat(machine.appliedIndex()).isEqualTo(1);
        assertThat(machine.lastSeq(roomRef("general"))).isZero();
    }
}
