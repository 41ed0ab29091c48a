package org.raftchat.cli;

import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.proto.v1.LoginResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Log in; later commands run as this session (kept in $" + SessionStore.ENV
                + " or <config dir>/session, owner-only). Prints what is unread.")
final class LoginCommand extends ClientCommand {

    @Option(names = "--user", required = true, paramLabel = "USER")
    String user;

    static final String DEFAULT_DEVICE = "cli";

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "This device's name; a new login on a device ends its previous session. "
                    + "Default: 'device' in the config file, else " + DEFAULT_DEVICE + ".")
    String device;

    @Mixin
    PasswordInput password;

    @Override
    boolean needsSession() {
        return false;
    }

    @Override
    int run(ChatClient client) throws Exception {
        String deviceId = deviceOrDefault(device);
        LoginResponse response = client.login(user, password.read(root.context(), err()), deviceId);
        sessions().save(new SessionStore.Saved(response.getUsername(), response.getToken()));
        LoggedIn result = new LoggedIn(response.getUsername(), response.getNickname(), deviceId,
                JsonViews.Unread.of(response.getUnreadList()));
        output().result(result, out -> {
            out.println("logged in as " + response.getUsername()
                    + (response.getNickname().equals(response.getUsername()) ? "" : " (" + response.getNickname() + ")"));
            UnreadCommand.print(out, response.getUnreadList());
        });
        return ExitCodes.OK;
    }

    /** The token is not printed: it is in the session file. */
    record LoggedIn(String username, String nickname, String device, List<JsonViews.Unread> unread) { }
}
