package org.raftchat.cli;

import java.util.List;
import org.raftchat.client.ChatClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete-room", mixinStandardHelpOptions = true,
        description = "Delete a room you own and its messages; MainHall is told, its members stay there.")
final class DeleteRoomCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM")
    String room;

    @Override
    int run(ChatClient client) {
        List<String> moved = client.deleteRoom(room).getMovedToMainHallList();
        output().result(new Deleted(room, moved), "deleted #" + room + " (" + moved.size() + " members remain in MainHall)");
        return ExitCodes.OK;
    }

    /** The members the room had; they stay in MainHall. */
    record Deleted(String room, List<String> movedToMainHall) { }
}
