package org.raftchat.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create-room", mixinStandardHelpOptions = true, description = "Create a room.")
final class CreateRoomCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM", description = "The new room's name.")
    String room;

    @Option(names = "--user", required = true, paramLabel = "USER", description = "Who creates it.")
    String user;

    @Override
    int run(ChatClient client) {
        client.createRoom(room, user);
        out().println("created #" + room);
        return ExitCodes.OK;
    }
}
