package org.raftchat.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "who", mixinStandardHelpOptions = true, description = "List the members of a room you are in, one per line.")
final class WhoCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM")
    String room;

    @Override
    int run(ChatClient client) {
        client.listMembers(room).getMembersList().forEach(out()::println);
        return ExitCodes.OK;
    }
}
