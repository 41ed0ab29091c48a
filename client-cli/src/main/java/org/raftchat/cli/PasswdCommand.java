package org.raftchat.cli;

import java.io.BufferedReader;
import org.raftchat.client.ChatClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Changes your password. The old password comes like login's ({@code --password}, {@code $RAFTCHAT_PASSWORD},
 * else a line of stdin), the new one from {@code --new-password}, {@code $RAFTCHAT_NEW_PASSWORD}, else the
 * next line of stdin. Every other session of yours ends; this one stays.
 */
@Command(name = "passwd", mixinStandardHelpOptions = true,
        description = "Change your password (needs the old one). Every other session of yours ends; this one stays logged in.")
final class PasswdCommand extends ClientCommand {

    static final String NEW_ENV = "RAFTCHAT_NEW_PASSWORD";

    @Mixin
    PasswordInput oldPassword;

    @Option(names = "--new-password", paramLabel = "PASSWORD",
            description = "The new password (8..128 characters). Without it: $" + NEW_ENV + ", else a line of standard input "
                    + "(after the old password's line, if that comes from stdin too).")
    String newPassword;

    @Override
    int run(ChatClient client) throws Exception {
        // One reader for both lines: a second reader would lose what the first buffered.
        BufferedReader stdin = PasswordInput.stdinLines(root.context());
        String old = oldPassword.read(root.context(), err(), stdin);
        String replacement = PasswordInput.read(newPassword, NEW_ENV, "new password", root.context(), err(), stdin, spec);
        int ended = client.changePassword(old, replacement);
        output().result(new PasswordChanged(username, ended), "password changed for " + username + "; "
                + ended + " other session" + (ended == 1 ? "" : "s") + " ended");
        return ExitCodes.OK;
    }

    record PasswordChanged(String username, int sessionsEnded) { }
}
