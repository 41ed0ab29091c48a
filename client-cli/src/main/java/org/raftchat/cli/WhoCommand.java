package org.raftchat.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.raftchat.client.ChatClient;
import org.raftchat.proto.v1.ListMembersResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "who", mixinStandardHelpOptions = true,
        description = "List the members of a room you are in, one per line, with the away message of those who set one.")
final class WhoCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM")
    String room;

    @Override
    int run(ChatClient client) {
        ListMembersResponse response = client.listMembers(room);
        List<String> members = response.getMembersList();
        Map<String, String> away = new TreeMap<>();
        response.getAwayList().forEach(a -> away.put(a.getUsername(), a.getMessage()));
        output().result(new Members(room, members, away), out -> members.forEach(user ->
                out.println(away.containsKey(user) ? user + "\taway: " + away.get(user) : user)));
        return ExitCodes.OK;
    }

    /** {@code away}: username to away message, for members who set one. */
    record Members(String room, List<String> members, Map<String, String> away) { }
}
