package org.raftchat.statemachine;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.CommandBatch;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.CreateRoom;
import org.raftchat.proto.v1.DirectPair;
import org.raftchat.proto.v1.JoinRoom;
import org.raftchat.proto.v1.PostRoomMessage;
import org.raftchat.proto.v1.RegisterUser;
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

    static Command register(String user) {
        return Command.newBuilder().setRegisterUser(RegisterUser.newBuilder().setUsername(user).setPasswordHash("hash-" + user)).build();
    }

    static Command join(String room, String user) {
        return Command.newBuilder().setJoinRoom(JoinRoom.newBuilder().setRoom(room).setUser(user)).build();
    }

    static Command leave(String room, String user) {
        return Command.newBuilder().setLeaveRoom(org.raftchat.proto.v1.LeaveRoom.newBuilder().setRoom(room).setUser(user)).build();
    }

    static Command deleteRoom(String room, String user) {
        return Command.newBuilder().setDeleteRoom(org.raftchat.proto.v1.DeleteRoom.newBuilder().setRoom(room).setUser(user)).build();
    }

    static Command markRead(String user, ConversationRef conversation, long seq) {
        return Command.newBuilder().setMarkRead(org.raftchat.proto.v1.MarkRead.newBuilder()
                .setUser(user).setConversation(conversation).setSeq(seq)).build();
    }

    static Command createQueue(String room, String creator) {
        return Command.newBuilder().setCreateRoom(CreateRoom.newBuilder().setRoom(room).setCreator(creator).setQueue(true)).build();
    }

    static Command login(String user, String device, String token) {
        return Command.newBuilder().setOpenSession(org.raftchat.proto.v1.OpenSession.newBuilder()
                .setUsername(user).setDeviceId(device).setTokenSha256(com.google.protobuf.ByteString.copyFromUtf8(token))).build();
    }

    static Command startConsuming(String room, String token) {
        return Command.newBuilder().setStartConsuming(org.raftchat.proto.v1.StartConsuming.newBuilder()
                .setRoom(room).setTokenSha256(com.google.protobuf.ByteString.copyFromUtf8(token))).build();
    }

    static Command stopConsuming(String room, String token) {
        return Command.newBuilder().setStopConsuming(org.raftchat.proto.v1.StopConsuming.newBuilder()
                .setRoom(room).setTokenSha256(com.google.protobuf.ByteString.copyFromUtf8(token))).build();
    }

    static Command ack(String room, String token, long seq) {
        return Command.newBuilder().setAckQueueMessage(org.raftchat.proto.v1.AckQueueMessage.newBuilder()
                .setRoom(room).setTokenSha256(com.google.protobuf.ByteString.copyFromUtf8(token)).setSeq(seq)).build();
    }

    static Command presenceTick(long offlineAfterMs) {
        return Command.newBuilder().setPresenceTick(org.raftchat.proto.v1.PresenceTick.newBuilder().setOfflineAfterMs(offlineAfterMs)).build();
    }

    /** Registers the users at indexes 1..n (time 0), so tests can go on at index n + 1. */
    static void registerAll(ChatStateMachine machine, String... users) {
        List<Command> commands = new ArrayList<>();
        for (String user : users) {
            commands.add(register(user));
        }
        machine.applyBatch(entries(1, commands.toArray(Command[]::new)));
    }

    static Command keyed(String idempotencyKey, Command command) {
        return command.toBuilder().setIdempotencyKey(idempotencyKey).build();
    }

    /**
     * {@code scope}'s key, as the leader stamps it: the fingerprint here is a digest of the body
     * (the leader takes it of the client's request), so the same body is the same request.
     */
    static Command keyedAs(String scope, String idempotencyKey, long windowMs, Command command) {
        return command.toBuilder().setIdempotencyKey(idempotencyKey).setIdempotencyScope(scope)
                .setRequestFingerprint(fingerprint(command)).setIdempotencyWindowMs(windowMs).build();
    }

    static ByteString fingerprint(Command body) {
        try {
            return ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(body.toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
