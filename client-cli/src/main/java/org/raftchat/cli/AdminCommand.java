package org.raftchat.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code raftchat admin ...}: operating the cluster over the nodes' admin API (needs the admin token). */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Operate the cluster: status, membership, leadership, snapshots, backups. Needs the cluster's admin token.",
        subcommands = {AdminStatusCommand.class, AdminMembershipCommand.Add.class, AdminMembershipCommand.Remove.class,
                AdminTransferCommand.class, AdminSnapshotCommand.class, AdminBackupCommand.class})
final class AdminCommand implements Callable<Integer> {

    @ParentCommand
    RaftChatCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing an admin command (status, add-node, remove-node, transfer-leader, snapshot, backup)");
    }
}
