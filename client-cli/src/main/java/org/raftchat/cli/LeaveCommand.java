package org.raftchat.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "leave", mixinStandardHelpOptions = true, description = "Leave a room (not MainHall, not a room you own).")
final class LeaveCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM")
    String room;

    @Override
    int run(ChatClient client) {
        client.leaveRoom(room);
        out().println("left #" + room);
        return ExitCodes.OK;
    }
}
