package org.raftchat.cli;

import picocli.CommandLine.Command;

@Command(name = "logout", mixinStandardHelpOptions = true, description = "End this session on every node.")
final class LogoutCommand extends ClientCommand {

    @Override
    int run(ChatClient client) {
        client.logout();
        sessions().delete();
        output().result(new LoggedOut(username), "logged out " + username);
        return ExitCodes.OK;
    }

    record LoggedOut(String username) { }
}
