package org.raftchat.statemachine;

import java.util.ArrayList;
import java.util.List;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.CommandBatch;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.CreateRoom;
import org.raftchat.proto.v1.DirectPair;
import org.raftchat.proto.v1.PostRoomMessage;
import org.raftchat.proto.v1.SendDirectMessage;

/** Builders for commands and log entries used across the tests. */
final class TestLog {

    private TestLog() {}

    static Command createRoom(String room, String creator) {
        return Command.newBuilder().setCreateRoom(CreateRoom.newBuilder().setRoom(room).setCreator(creator)).build();
    }

    static Command post(String room, String author, String text) {
        return Command.newBuilder()
                .setPostRoomMessage(PostRoomMessage.newBuilder().setRoom(room).setAuthor(author).setText(text))
                .build();
    }

    static Command direct(String sender, String recipient, String text) {
        return Command.newBuilder()
                .setSendDirectMessage(SendDirectMessage.newBuilder().setSender(sender).setRecipient(recipient).setText(text))
                .build();
    }

    static Command keyed(String idempotencyKey, Command command) {
        return command.toBuilder().setIdempotencyKey(idempotencyKey).build();
    }

    static Command at(long leaderTimeMs, Command command) {
        return command.toBuilder().setLeaderTimeMs(leaderTimeMs).build();
    }

    /** One entry carrying several commands, as the leader's group commit writes it. */
    static Command group(Command... commands) {
        return Command.newBuilder().setBatch(CommandBatch.newBuilder().addAllCommands(List.of(commands))).build();
    }

    static LogEntry entry(long index, Command command) {
        return new LogEntry(index, command.toByteArray());
    }

    /** Entries numbered firstIndex, firstIndex + 1, ... in the order given. */
    static List<LogEntry> entries(long firstIndex, Command... commands) {
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < commands.length; i++) {
            entries.add(entry(firstIndex + i, commands[i]));
        }
        return entries;
    }

    static ConversationRef roomRef(String room) {
        return ConversationRef.newBuilder().setRoom(room).build();
    }

    static ConversationRef pairRef(String userA, String userB) {
        return ConversationRef.newBuilder().setDirect(DirectPair.newBuilder().setUserA(userA).setUserB(userB)).build();
    }
}
