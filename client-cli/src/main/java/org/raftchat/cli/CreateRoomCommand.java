package org.raftchat.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create-room", mixinStandardHelpOptions = true, description = "Create a room; you own it and are its first member.")
final class CreateRoomCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM", description = "The new room's name.")
    String room;

    @Option(names = "--description", paramLabel = "TEXT", defaultValue = "", description = "What the room is for (optional).")
    String description;

    @Option(names = "--queue", description = "A work-queue room: each post goes to exactly one consumer (see 'raftchat queue').")
    boolean queue;

    @Option(names = "--invite-only", description = "Only you and users you invite ('raftchat invite ROOM USER') may join.")
    boolean inviteOnly;

    @Override
    int run(ChatClient client) {
        client.createRoom(IdempotencyKey.random(), room, description, queue, inviteOnly);
        output().result(new Created(room, description, queue, inviteOnly),
                "created " + (inviteOnly ? "invite-only " : "") + (queue ? "work-queue room #" : "#") + room);
        return ExitCodes.OK;
    }

    record Created(String room, String description, boolean queue, boolean inviteOnly) { }
}
