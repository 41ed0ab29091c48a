package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "register", mixinStandardHelpOptions = true,
        description = "Create an account (it joins MainHall), then log in with 'raftchat login'.")
final class RegisterCommand extends ClientCommand {

    @Option(names = "--user", required = true, paramLabel = "USER",
            description = "1..32 letters, digits, '_', '.', '-'.")
    String user;

    @Mixin
    PasswordInput password;

    @Override
    boolean needsSession() {
        return false;
    }

    @Override
    int run(ChatClient client) throws Exception {
        String registered = client.register(user, password.read(root.context(), err())).getUsername();
        output().result(new Registered(registered), "registered " + registered);
        return ExitCodes.OK;
    }

    record Registered(String username) { }
}
