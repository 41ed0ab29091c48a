package org.raftchat.cli;

import org.raftchat.proto.v1.RoomSummary;
import picocli.CommandLine.Command;

@Command(name = "rooms", mixinStandardHelpOptions = true,
        description = "List every room: #name  members  owner  description.")
final class RoomsCommand extends ClientCommand {

    @Override
    int run(ChatClient client) {
        for (RoomSummary room : client.listRooms().getRoomsList()) {
            out().println("#" + room.getName() + (room.getQueue() ? " (queue)" : "") + "\t" + room.getMemberCount() + " members\towner " + room.getOwner()
                    + (room.getDescription().isEmpty() ? "" : "\t" + room.getDescription()));
        }
        return ExitCodes.OK;
    }
}
