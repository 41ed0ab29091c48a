package org.raftchat.cli;

import java.util.Objects;
import java.util.concurrent.Callable;
import org.raftchat.cli.bench.BenchCommand;
import org.raftchat.client.ChatClient;
import org.raftchat.config.BuildInfo;
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
        footerHeading = "%n",
        footer = {"Output: every command that prints takes -o/--output text|json. json prints one",
                "JSON object per line on stdout (tail: one per message) and errors on stderr as",
                "{\"error\":{\"code\":...,\"message\":...,\"exitCode\":...}}.",
                "Cluster: --cluster, else $RAFTCHAT_CLUSTER, else 'cluster' in the config file,",
                "else 127.0.0.1:9101,127.0.0.1:9102,127.0.0.1:9103.",
                "Config dir: $RAFTCHAT_CONFIG_DIR, else $XDG_CONFIG_HOME/raftchat, else",
                "~/.config/raftchat; it holds config.properties and the session (owner-only;",
                "$RAFTCHAT_SESSION_FILE puts it elsewhere). 'raftchat config' shows what is in",
                "effect and where each setting comes from."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                ExitCodes.OK + ":ok",
                ExitCodes.UNEXPECTED + ":unexpected error (a bug, or an I/O problem on this machine)",
                ExitCodes.USAGE + ":usage error: bad options or arguments, bad config file",
                ExitCodes.NOT_FOUND + ":not found: no such room, user or message",
                ExitCodes.UNAVAILABLE + ":cluster unavailable: no node or no leader answered in time",
                ExitCodes.REJECTED + ":refused: invalid input, already exists, permission denied",
                ExitCodes.AUTH + ":not authenticated: not logged in, session expired, wrong password"},
        subcommands = {
                RegisterCommand.class, LoginCommand.class, LogoutCommand.class, SessionsCommand.class, PasswdCommand.class,
                NickCommand.class,
                RoomsCommand.class, CreateRoomCommand.class, JoinCommand.class, LeaveCommand.class, WhoCommand.class,
                DeleteRoomCommand.class, SendCommand.class, DmCommand.class, HistoryCommand.class, UnreadCommand.class,
                ReadCommand.class, EditCommand.class, DeleteCommand.class, FriendsCommand.class, OnlineCommand.class,
                TailCommand.class, WorkQueueCommand.class, TopicCommand.class, InviteOnlyCommand.class,
                ModerationCommand.Invite.class, ModerationCommand.Kick.class, ModerationCommand.Ban.class,
                ModerationCommand.Unban.class, AwayCommand.class, SearchCommand.class, StatusCommand.class, ConfigCommand.class, ChatCommand.class,
                BenchCommand.class, AdminCommand.class,
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
     * anything unexpected prints {@code raftchat: <message>} without a stack trace; with
     * {@code --output json} both print a JSON error object instead.
     */
    public static CommandLine newCommandLine(RaftChatCli cli) {
        return new CommandLine(cli)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    log.debug("command failed", e);
                    boolean json = OutputOptions.jsonRequested(parseResult.originalArgs());
                    return new CommandOutput(json, commandLine.getOut(), commandLine.getErr()).failure(ExitCodes.describe(e));
                })
                .setParameterExceptionHandler((e, args) -> {
                    CommandLine failed = e.getCommandLine();
                    int code = failed.getCommandSpec().exitCodeOnInvalidInput();
                    if (OutputOptions.jsonRequested(java.util.Arrays.asList(args))) {
                        failed.getErr().println(CommandOutput.errorJson(new ExitCodes.Failure("USAGE", e.getMessage(), code)));
                        failed.getErr().flush();
                        return code;
                    }
                    failed.getErr().println("raftchat: " + e.getMessage());
                    CommandLine.UnmatchedArgumentException.printSuggestions(e, failed.getErr());
                    failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
                    failed.getErr().flush();
                    return code;
                });
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {BuildInfo.current().describe("raftchat")};
        }
    }
}
