package org.raftchat.cli;

import picocli.CommandLine.Command;

@Command(name = "online", mixinStandardHelpOptions = true,
        description = "Who is online (a session that logged in or heartbeated within the presence timeout), one per line.")
final class OnlineCommand extends ClientCommand {

    @Override
    int run(ChatClient client) {
        client.online().forEach(out()::println);
        return ExitCodes.OK;
    }
}
