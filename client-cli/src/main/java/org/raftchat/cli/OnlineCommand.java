package org.raftchat.cli;

import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "online", mixinStandardHelpOptions = true,
        description = "Who is online (a session that logged in or heartbeated within the presence timeout), one per line.")
final class OnlineCommand extends ClientCommand {

    @Override
    int run(ChatClient client) {
        List<String> online = client.online();
        output().result(new Online(online), out -> online.forEach(out::println));
        return ExitCodes.OK;
    }

    record Online(List<String> online) { }
}
