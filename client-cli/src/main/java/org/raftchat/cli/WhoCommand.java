package org.raftchat.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "who", mixinStandardHelpOptions = true, description = "List the members of a room you are in, one per line.")
final class WhoCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM")
    String room;

    @Override
    int run(ChatClient client) {
        List<String> members = client.listMembers(room).getMembersList();
        output().result(new Members(room, members), out -> members.forEach(out::println));
        return ExitCodes.OK;
    }

    record Members(String room, List<String> members) { }
}
