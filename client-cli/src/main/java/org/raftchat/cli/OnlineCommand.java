package org.raftchat.cli;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.raftchat.client.ChatClient;
import org.raftchat.proto.v1.AwayUser;
import org.raftchat.proto.v1.ListOnlineResponse;
import picocli.CommandLine.Command;

@Command(name = "online", mixinStandardHelpOptions = true,
        description = "Who is online (a session that logged in or heartbeated within the presence timeout), one per line, "
                + "with the away message of those who set one ('raftchat away').")
final class OnlineCommand extends ClientCommand {

    @Override
    int run(ChatClient client) {
        ListOnlineResponse response = client.onlineWithAway();
        List<String> online = response.getUsersList();
        Map<String, String> away = response.getAwayList().stream()
                .collect(Collectors.toMap(AwayUser::getUsername, AwayUser::getMessage, (a, b) -> a, java.util.TreeMap::new));
        output().result(new Online(online, away), out -> online.forEach(user ->
                out.println(away.containsKey(user) ? user + "\taway: " + away.get(user) : user)));
        return ExitCodes.OK;
    }

    /** {@code away}: username to away message, for those online users who set one. */
    record Online(List<String> online, Map<String, String> away) { }
}
