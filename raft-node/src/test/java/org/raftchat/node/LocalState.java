package org.raftchat.node;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.raftchat.proto.v1.CloseSession;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.CreateRoom;
import org.raftchat.proto.v1.OpenSession;
import org.raftchat.proto.v1.PostRoomMessage;
import org.raftchat.proto.v1.RegisterUser;
import org.raftchat.statemachine.ApplyResult;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.LogEntry;

/** A replica's state machine in a temp dir, fed commands as the FSM would (one entry each, in log order). */
final class LocalState implements AutoCloseable {

    final ChatStateMachine machine;
    private long nextIndex = 1;

    LocalState(Path dir) {
        this.machine = ChatStateMachine.open(dir);
    }

    List<ApplyResult> apply(Command... commands) {
        List<LogEntry> entries = new java.util.ArrayList<>();
        for (Command command : commands) {
            entries.add(new LogEntry(nextIndex++, command.toBuilder().setLeaderTimeMs(nextIndex).build().toByteArray()));
        }
        return machine.applyBatch(entries);
    }

    /** Registers {@code user} and opens a session for it with token digest {@code token}; returns the caller. */
    Caller login(String user, String device, String token) {
        apply(Command.newBuilder().setRegisterUser(RegisterUser.newBuilder().setUsername(user).setPasswordHash("hash-" + user)).build());
        return session(user, device, token);
    }

    /** Opens another session of an existing user. */
    Caller session(String user, String device, String token) {
        apply(Command.newBuilder().setOpenSession(OpenSession.newBuilder().setUsername(user).setDeviceId(device)
                .setTokenSha256(digest(token))).build());
        return new Caller(user, device, digest(token).toByteArray());
    }

    void logout(String token) {
        apply(Command.newBuilder().setCloseSession(CloseSession.newBuilder().setTokenSha256(digest(token))).build());
    }

    void createRoom(String room, String creator) {
        apply(Command.newBuilder().setCreateRoom(CreateRoom.newBuilder().setRoom(room).setCreator(creator)).build());
    }

    void post(String room, String author, int count) {
        Command[] commands = new Command[count];
        for (int i = 0; i < count; i++) {
            commands[i] = Command.newBuilder().setPostRoomMessage(PostRoomMessage.newBuilder().setRoom(room).setAuthor(author)
                    .setText("m" + (i + 1))).build();
        }
        apply(commands);
    }

    private static ByteString digest(String token) {
        return ByteString.copyFrom(token, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        machine.close();
    }
}
