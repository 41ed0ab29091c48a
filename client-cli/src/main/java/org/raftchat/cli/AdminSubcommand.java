package org.raftchat.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.raftchat.client.AdminClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.ClusterConnection;
import org.raftchat.config.AdminToken;
import org.raftchat.config.Defaults;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** An admin subcommand: resolves addresses and token, opens an {@link AdminClient}, maps failures to exit codes. */
abstract class AdminSubcommand implements Callable<Integer> {

    @ParentCommand
    AdminCommand admin;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    AdminOptions adminOptions;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        if (cluster.verbose) {
            Logging.verbose();
        }
        CliContext context = admin.root.context();
        List<String> addresses = cluster.addresses(context.env());
        AdminToken token = adminOptions.token(context.env(), cluster.clusterFile());
        try (AdminClient client = new AdminClient(addresses, token, Defaults.ADMIN_CALL_DEADLINE, address -> ClusterConnection.newChannel(address, cluster.credentials(context.env())))) {
            return run(client);
        } catch (ChatClientException e) {
            // A failure is JSON when json was asked for (admin status takes -o text|json).
            boolean json = OutputOptions.jsonRequested(spec.commandLine().getParseResult().originalArgs());
            return new CommandOutput(json, out(), err()).failure(ExitCodes.describe(e));
        }
    }

    abstract int run(AdminClient client) throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
