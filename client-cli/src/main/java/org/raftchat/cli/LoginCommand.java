package org.raftchat.cli;

import org.raftchat.proto.v1.LoginResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Log in; later commands run as this session (kept in $" + SessionStore.ENV
                + " or ~/.raftchat/session). Prints what is unread.")
final class LoginCommand extends ClientCommand {

    @Option(names = "--user", required = true, paramLabel = "USER")
    String user;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cli",
            description = "This device's name; a new login on a device ends its previous session (default ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    PasswordInput password;

    @Override
    boolean needsSession() {
        return false;
    }

    @Override
    int run(ChatClient client) throws Exception {
        LoginResponse response = client.login(user, password.read(root.context(), err()), device);
        sessions().save(new SessionStore.Saved(response.getUsername(), response.getToken()));
        out().println("logged in as " + response.getUsername()
                + (response.getNickname().equals(response.getUsername()) ? "" : " (" + response.getNickname() + ")"));
        UnreadCommand.print(out(), response.getUnreadList());
        return ExitCodes.OK;
    }
}
