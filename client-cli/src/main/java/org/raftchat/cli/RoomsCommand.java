package org.raftchat.cli;

import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.proto.v1.RoomSummary;
import picocli.CommandLine.Command;

@Command(name = "rooms", mixinStandardHelpOptions = true,
        description = "List every room: #name  members  owner  description.")
final class RoomsCommand extends ClientCommand {

    @Override
    int run(ChatClient client) {
        List<RoomSummary> rooms = client.listRooms().getRoomsList();
        output().result(new Rooms(rooms.stream().map(JsonViews.Room::of).toList()), out -> {
            for (RoomSummary room : rooms) {
                out.println("#" + room.getName() + (room.getQueue() ? " (queue)" : "") + (room.getInviteOnly() ? " (invite-only)" : "") + "\t" + room.getMemberCount()
                        + " members\towner " + room.getOwner() + (room.getDescription().isEmpty() ? "" : "\t" + room.getDescription()));
            }
        });
        return ExitCodes.OK;
    }

    record Rooms(List<JsonViews.Room> rooms) { }
}
