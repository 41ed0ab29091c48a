package org.raftchat.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete-room", mixinStandardHelpOptions = true,
        description = "Delete a room you own and its messages; MainHall is told, its members stay there.")
final class DeleteRoomCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM")
    String room;

    @Override
    int run(ChatClient client) {
        int members = client.deleteRoom(room).getMovedToMainHallCount();
        out().println("deleted #" + room + " (" + members + " members remain in MainHall)");
        return ExitCodes.OK;
    }
}
