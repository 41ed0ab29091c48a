package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "End this session on every node; with --all, every session of yours (every device); "
                + "with --others, every session but this one.")
final class LogoutCommand extends ClientCommand {

    @Option(names = "--all", description = "Log out everywhere: end every session of yours, this one included.")
    boolean all;

    @Option(names = "--others", description = "End every other session of yours (other devices, a leaked token); keep this one.")
    boolean others;

    @Override
    void validate() {
        if (all && others) {
            throw usage("--all and --others exclude each other");
        }
    }

    @Override
    int run(ChatClient client) {
        if (all || others) {
            int ended = client.logoutAll(others);
            if (all) {
                sessions().delete();
            }
            output().result(new LoggedOutEverywhere(username, ended, others),
                    (all ? "logged out " + username + " everywhere: " : "ended " + username + "'s other sessions: ")
                            + ended + " session" + (ended == 1 ? "" : "s") + " ended");
            return ExitCodes.OK;
        }
        client.logout();
        sessions().delete();
        output().result(new LoggedOut(username), "logged out " + username);
        return ExitCodes.OK;
    }

    record LoggedOut(String username) { }

    /** {@code keptCurrent}: --others (this session lives on). */
    record LoggedOutEverywhere(String username, int sessionsEnded, boolean keptCurrent) { }
}
