package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "leave", mixinStandardHelpOptions = true, description = "Leave a room (not MainHall, not a room you own).")
final class LeaveCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM")
    String room;

    @Override
    int run(ChatClient client) {
        int members = client.leaveRoom(room).getMemberCount();
        output().result(new JoinCommand.Membership(room, false, members), "left #" + room);
        return ExitCodes.OK;
    }
}
