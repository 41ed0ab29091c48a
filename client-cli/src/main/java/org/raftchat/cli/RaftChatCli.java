package org.raftchat.cli;

import java.util.Objects;
import java.util.concurrent.Callable;
import org.raftchat.cli.bench.BenchCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code raftchat}: the terminal client. One class per subcommand; each opens a {@link ChatClient}
 * for its run. Exit codes are in {@link ExitCodes}.
 */
@Command(name = "raftchat", mixinStandardHelpOptions = true, versionProvider = RaftChatCli.Version.class,
        description = "Chat over a Raft-replicated log. Without a command: the interactive client ('raftchat chat').",
        subcommands = {
                RegisterCommand.class, LoginCommand.class, LogoutCommand.class, NickCommand.class,
                RoomsCommand.class, CreateRoomCommand.class, JoinCommand.class, LeaveCommand.class, WhoCommand.class,
                DeleteRoomCommand.class, SendCommand.class, DmCommand.class, HistoryCommand.class, UnreadCommand.class,
                ReadCommand.class, EditCommand.class, DeleteCommand.class, FriendsCommand.class, OnlineCommand.class,
                TailCommand.class, StatusCommand.class, ChatCommand.class, BenchCommand.class, AdminCommand.class,
                CommandLine.HelpCommand.class})
public final class RaftChatCli implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RaftChatCli.class);

    private final CliContext context;

    @Spec
    CommandSpec spec;

    public RaftChatCli() {
        this(CliContext.system());
    }

    public RaftChatCli(CliContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    CliContext context() {
        return context;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing a command");
    }

    public static void main(String[] args) {
        System.exit(newCommandLine(new RaftChatCli()).execute(withDefaultCommand(args)));
    }

    /** {@code raftchat} alone is {@code raftchat chat}: the interactive client. */
    static String[] withDefaultCommand(String[] args) {
        return args.length == 0 ? new String[] {"chat"} : args;
    }

    /**
     * A command line with the CLI's handlers: usage errors print one line and a hint (exit 2),
     * anything unexpected prints {@code raftchat: <message>} without a stack trace.
     */
    public static CommandLine newCommandLine(RaftChatCli cli) {
        return new CommandLine(cli)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    log.debug("command failed", e);
                    commandLine.getErr().println("raftchat: " + message(e));
                    commandLine.getErr().flush();
                    return ExitCodes.of(e);
                })
                .setParameterExceptionHandler((e, args) -> {
                    CommandLine failed = e.getCommandLine();
                    failed.getErr().println("raftchat: " + e.getMessage());
                    CommandLine.UnmatchedArgumentException.printSuggestions(e, failed.getErr());
                    failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
                    failed.getErr().flush();
                    return failed.getCommandSpec().exitCodeOnInvalidInput();
                });
    }

    private static String message(Exception e) {
        if (e instanceof ChatClientException) {
            return e.getMessage();
        }
        return "unexpected error: " + e + " (run with --verbose for details)";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = RaftChatCli.class.getPackage().getImplementationVersion();
            return new String[] {"raftchat " + (version == null ? "(development build)" : version)};
        }
    }
}
