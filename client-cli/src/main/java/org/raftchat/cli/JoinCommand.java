package org.raftchat.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "join", mixinStandardHelpOptions = true, description = "Join a room.")
final class JoinCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM")
    String room;

    @Override
    int run(ChatClient client) {
        int members = client.joinRoom(room).getMemberCount();
        output().result(new Membership(room, true, members), "joined #" + room + " (" + members + " members)");
        return ExitCodes.OK;
    }

    /** join and leave: whether you are a member afterwards, and how many members the room has. */
    record Membership(String room, boolean member, int memberCount) { }
}
