package org.raftchat.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ChatClientException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A subcommand that talks to the cluster: resolves the addresses, opens one {@link ChatClient}
 * for the command's lifetime, and turns a {@link ChatClientException} into {@code raftchat: <message>}
 * (or, with {@code --output json}, a JSON error object) on stderr plus the matching
 * {@link ExitCodes exit code}. Results go through {@link #output()}.
 */
abstract class ClientCommand implements Callable<Integer> {

    @ParentCommand
    RaftChatCli root;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    OutputOptions outputOptions;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        if (cluster.verbose) {
            Logging.verbose();
        }
        validate();
        List<String> addresses = cluster.addresses(root.context().env());
        try (ChatClient client = root.context().clients().open(addresses, cluster.credentials(root.context().env()))) {
            if (needsSession()) {
                SessionStore.Saved saved = sessions().load().orElseThrow(() -> new ChatClientException(
                        ChatClientException.Category.UNAUTHENTICATED, "not logged in: run 'raftchat login --user NAME' first"));
                client.useSession(saved.token());
                username = saved.username();
            }
            return run(client);
        } catch (ChatClientException e) {
            return output().failure(ExitCodes.describe(e));
        }
    }

    /** Where results and failures are printed, in the format --output asked for. */
    CommandOutput output() {
        return new CommandOutput(outputOptions != null && outputOptions.json(), out(), err());
    }

    /** The logged-in user (from the session file), for commands that need a session. */
    String username;

    /** Whether the command runs as the saved session; register and login do not. */
    boolean needsSession() {
        return true;
    }

    SessionStore sessions() {
        return SessionStore.from(root.context().env());
    }

    /** A login's device: the flag, else 'device' in the config file, else {@value LoginCommand#DEFAULT_DEVICE}. */
    String deviceOrDefault(String flag) {
        return flag != null ? flag : cluster.userConfig(root.context().env()).device().orElse(LoginCommand.DEFAULT_DEVICE);
    }

    /** Checks option values picocli cannot; throw {@link #usage} for bad ones. */
    void validate() {
    }

    /** Does the command's work; returns the exit code. */
    abstract int run(ChatClient client) throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
