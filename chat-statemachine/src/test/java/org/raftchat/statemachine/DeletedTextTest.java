package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.statemachine.TestLog.createRoom;
import static org.raftchat.statemachine.TestLog.deleteRoom;
import static org.raftchat.statemachine.TestLog.direct;
import static org.raftchat.statemachine.TestLog.entries;
import static org.raftchat.statemachine.TestLog.join;
import static org.raftchat.statemachine.TestLog.keyedAs;
import static org.raftchat.statemachine.TestLog.login;
import static org.raftchat.statemachine.TestLog.post;
import static org.raftchat.statemachine.TestLog.registerAll;
import static org.raftchat.statemachine.TestLog.roomRef;
import static org.raftchat.statemachine.TestLog.startConsuming;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.DeleteMessage;
import org.raftchat.proto.v1.DirectPair;
import org.raftchat.proto.v1.EditMessage;
import org.raftchat.proto.v1.MessageKind;
import org.raftchat.proto.v1.NackQueueMessage;
import org.raftchat.proto.v1.QueuePolicy;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Deleting a message or a room deletes its text: after the delete no key or value in any column
 * family of the state holds it (not the message row, not an edit event, not a dead-letter copy, not an
 * idempotency record), nor does any file of the checkpoint a snapshot is made of, nor the state
 * restored from that checkpoint. Each text is a unique marker, so a byte search finds every copy.
 */
class DeletedTextTest {

    @TempDir
    Path dir;

    private ChatStateMachine machine;
    private long nextIndex;
    private int checkpoints;

    @BeforeEach
    void open() {
        machine = ChatStateMachine.open(dir.resolve("db"));
        registerAll(machine, "alice", "bob");
        nextIndex = 3;
    }

    @AfterEach
    void close() {
        machine.close();
    }

    @Test
    void aDeletedMessageLeavesNoneOfItsTextsNeitherTheOriginalNorAnEdit() throws Exception {
        apply(createRoom("general", "alice"), join("general", "bob"));
        ConversationRef general = roomRef("general");
        apply(keyedAs("alice", "p1", 60_000, post("general", "alice", "ORIGINAL-kq7x")));
        apply(post("general", "bob", "a reply that stays"));
        apply(keyedAs("alice", "e1", 60_000, edit(general, "alice", 1, "FIRST-EDIT-kq7x")));
        apply(keyedAs("alice", "e2", 60_000, edit(general, "alice", 1, "SECOND-EDIT-kq7x")));
        assertThat(machine.search(general, "edit-kq7x", 0, 10, 100).matches()).isNotEmpty();
        // A snapshot before the delete has the texts in its files: the delete must not leave them in the next one.
        assertStateHolds("kq7x");

        apply(keyedAs("alice", "d1", 60_000, delete(general, "alice", 1)));

        assertGone("kq7x");
        assertStateHolds("a reply that stays");
        List<ChatMessage> history = machine.history(general, new HistoryQuery.Latest(10)).messages();
        assertThat(history).filteredOn(m -> m.getKind() == MessageKind.EDIT).hasSize(2)
                .allSatisfy(event -> assertThat(event.getText()).isEmpty());
        assertThat(machine.search(general, "kq7x", 0, 10, 100).matches()).isEmpty();
        // A retry of the post or an edit still gets its answer: where the message was, now without text.
        assertThat(applyOne(keyedAs("alice", "p1", 60_000, post("general", "alice", "ORIGINAL-kq7x"))))
                .isInstanceOfSatisfying(ApplyResult.MessageStored.class, stored -> {
                    assertThat(stored.message().getSeq()).isEqualTo(1);
                    assertThat(stored.message().getDeleted()).isTrue();
                    assertThat(stored.message().getText()).isEmpty();
                });
        assertGone("kq7x");
    }

    @Test
    void aDeletedPrivateMessageLeavesNoneOfItsTexts() throws Exception {
        ConversationRef pair = ConversationRef.newBuilder().setDirect(DirectPair.newBuilder().setUserA("alice").setUserB("bob")).build();
        apply(direct("alice", "bob", "DM-ORIGINAL-p2m9"));
        apply(edit(pair, "alice", 1, "DM-EDIT-p2m9"));
        assertStateHolds("p2m9");

        apply(delete(pair, "alice", 1));

        assertGone("p2m9");
    }

    @Test
    void aDeletedRoomLeavesNoneOfItsMessagesTexts() throws Exception {
        apply(createRoom("plans", "alice"), join("plans", "bob"));
        ConversationRef plans = roomRef("plans");
        apply(keyedAs("alice", "p1", 60_000, post("plans", "alice", "ROOM-POST-w4c1")));
        apply(keyedAs("bob", "p2", 60_000, post("plans", "bob", "ROOM-REPLY-w4c1")));
        apply(keyedAs("alice", "e1", 60_000, edit(plans, "alice", 1, "ROOM-EDIT-w4c1")));
        assertStateHolds("w4c1");

        apply(keyedAs("alice", "d1", 60_000, deleteRoom("plans", "alice")));

        assertGone("w4c1");
        // A room created again under the name starts empty, and an old key's retry shows no text.
        apply(createRoom("plans", "bob"));
        assertThat(applyOne(keyedAs("bob", "p2", 60_000, post("plans", "bob", "ROOM-REPLY-w4c1"))))
                .isInstanceOfSatisfying(ApplyResult.MessageStored.class, stored -> assertThat(stored.message().getText()).isEmpty());
        assertGone("w4c1");
    }

    @Test
    void aDeletedQueueMessageTakesItsDeadLetterCopyWithIt() throws Exception {
        deadLetter("jobs", "POISON-j8v3");
        ConversationRef deadLetters = roomRef("jobs.dlq");
        assertThat(machine.history(deadLetters, new HistoryQuery.Latest(10)).messages())
                .singleElement().satisfies(copy -> assertThat(copy.getText()).isEqualTo("POISON-j8v3"));

        apply(delete(roomRef("jobs"), "alice", 1));

        assertGone("j8v3");
        assertThat(machine.history(deadLetters, new HistoryQuery.Latest(10)).messages())
                .singleElement().satisfies(copy -> {
                    assertThat(copy.getDeleted()).isTrue();
                    assertThat(copy.getRefersToSeq()).isEqualTo(1);
                });
    }

    @Test
    void aDeletedQueueRoomTakesItsDeadLetterCopiesWithItAndItsDeadLetterRoomStays() throws Exception {
        deadLetter("jobs", "POISON-r5t0");
        apply(post("jobs.dlq", "alice", "a note in the dead-letter room"));

        apply(deleteRoom("jobs", "alice"));

        assertGone("r5t0");
        assertThat(machine.room("jobs.dlq")).isPresent();
        assertStateHolds("a note in the dead-letter room");
    }

    @Test
    void aDeadLetterRoomDeletedAndCreatedAgainKeepsItsNewMessagesWhenAQueueMessageIsDeleted() throws Exception {
        // Goal: where a copy was is forgotten with the dead-letter room, so a delete never tombstones another room's message.
        deadLetter("jobs", "POISON-h6n2");
        apply(deleteRoom("jobs.dlq", "alice"));
        apply(createRoom("jobs.dlq", "bob"));
        apply(post("jobs.dlq", "bob", "bob's own first message"));

        apply(delete(roomRef("jobs"), "alice", 1));

        assertGone("h6n2");
        assertThat(machine.history(roomRef("jobs.dlq"), new HistoryQuery.Latest(10)).messages())
                .singleElement().satisfies(message -> {
                    assertThat(message.getText()).isEqualTo("bob's own first message");
                    assertThat(message.getDeleted()).isFalse();
                });
    }

    /** Queue {@code room} (one delivery allowed) whose message 1, {@code text} by alice, went to the dead-letter room. */
    private void deadLetter(String room, String text) throws Exception {
        Command queue = TestLog.createQueue(room, "alice");
        apply(login("alice", "d", "ta"), queue.toBuilder().setCreateRoom(queue.getCreateRoom().toBuilder()
                .setQueuePolicy(QueuePolicy.newBuilder().setMaxDeliveries(1))).build());
        apply(startConsuming(room, "ta"), post(room, "alice", text));
        apply(Command.newBuilder().setNackQueueMessage(NackQueueMessage.newBuilder()
                .setRoom(room).setTokenSha256(ByteString.copyFromUtf8("ta")).setSeq(1)).build());
        assertStateHolds(text);
    }

    private static Command edit(ConversationRef conversation, String user, long seq, String text) {
        return Command.newBuilder().setEditMessage(EditMessage.newBuilder()
                .setConversation(conversation).setUser(user).setSeq(seq).setText(text)).build();
    }

    private static Command delete(ConversationRef conversation, String user, long seq) {
        return Command.newBuilder().setDeleteMessage(DeleteMessage.newBuilder()
                .setConversation(conversation).setUser(user).setSeq(seq)).build();
    }

    private void apply(Command... commands) {
        List<ApplyResult> results = machine.applyBatch(entries(nextIndex, commands));
        nextIndex += commands.length;
        assertThat(results).noneMatch(r -> r instanceof ApplyResult.Rejected);
    }

    private ApplyResult applyOne(Command command) {
        return machine.applyBatch(entries(nextIndex++, command)).get(0);
    }

    private void assertStateHolds(String text) throws Exception {
        assertThat(keysAndValuesHolding(checkpoint(), text)).isNotEmpty();
    }

    /** Not in the live state, not in any file of a checkpoint, not in the state restored from it. */
    private void assertGone(String text) throws Exception {
        Path checkpoint = checkpoint();
        assertThat(keysAndValuesHolding(checkpoint, text)).as("keys and values of the state holding '%s'", text).isEmpty();
        assertThat(filesHolding(checkpoint, text)).as("checkpoint files holding '%s'", text).isEmpty();

        try (ChatStateMachine restored = ChatStateMachine.open(dir.resolve("restored-" + checkpoints))) {
            restored.restoreFrom(checkpoint);
            assertThat(restored.stateDigest()).isEqualTo(machine.stateDigest());
            Path again = dir.resolve("checkpoint-of-restored-" + checkpoints);
            restored.checkpointTo(again);
            assertThat(keysAndValuesHolding(again, text)).as("restored state holding '%s'", text).isEmpty();
        }
    }

    private Path checkpoint() {
        Path target = dir.resolve("checkpoint-" + ++checkpoints);
        machine.checkpointTo(target);
        return target;
    }

    /** Every key or value, in every column family of the database in {@code dbDir}, that holds {@code text}'s bytes. */
    private static List<String> keysAndValuesHolding(Path dbDir, String text) throws RocksDBException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<String> found = new ArrayList<>();
        List<ColumnFamilyDescriptor> families = new ArrayList<>();
        try (Options listOptions = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(listOptions, dbDir.toString())) {
                families.add(new ColumnFamilyDescriptor(name));
            }
        }
        assertThat(families).as("column families").isNotEmpty();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions();
                RocksDB db = RocksDB.openReadOnly(options, dbDir.toString(), families, handles)) {
            try {
                for (ColumnFamilyHandle handle : handles) {
                    try (RocksIterator it = db.newIterator(handle)) {
                        for (it.seekToFirst(); it.isValid(); it.next()) {
                            if (contains(it.key(), needle) || contains(it.value(), needle)) {
                                found.add(new String(handle.getName(), StandardCharsets.UTF_8) + ": "
                                        + new String(it.key(), StandardCharsets.ISO_8859_1));
                            }
                        }
                        it.status();
                    }
                }
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
        }
        return found;
    }

    /** Every file of the checkpoint whose raw bytes hold {@code text} (old versions of keys live on in tables). */
    private static List<String> filesHolding(Path checkpoint, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.list(checkpoint)) {
            return files.filter(file -> {
                try {
                    return contains(Files.readAllBytes(file), needle);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(file -> file.getFileName().toString()).toList();
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
