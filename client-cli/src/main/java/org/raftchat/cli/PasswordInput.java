package org.raftchat.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where a password comes from: {@code --password}, else {@code RAFTCHAT_PASSWORD}, else one line of
 * standard input (so it stays out of shell history and process lists).
 */
final class PasswordInput {

    static final String ENV = "RAFTCHAT_PASSWORD";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "The password (8..128 characters). Without it: $" + ENV + ", else one line read from standard input.")
    String password;

    String read(CliContext context, PrintWriter err) throws IOException {
        return read(context, err, stdinLines(context));
    }

    /** Like {@link #read(CliContext, PrintWriter)}, taking the line from {@code stdin} (shared when a command reads two). */
    String read(CliContext context, PrintWriter err, BufferedReader stdin) throws IOException {
        return read(password, ENV, "password", context, err, stdin, mixee);
    }

    static BufferedReader stdinLines(CliContext context) {
        return new BufferedReader(new InputStreamReader(context.stdin(), StandardCharsets.UTF_8));
    }

    /** The option's value, else the environment variable's, else one line of {@code stdin} (prompted on stderr). */
    static String read(String option, String env, String prompt, CliContext context, PrintWriter err, BufferedReader stdin,
                       CommandSpec spec) throws IOException {
        if (option != null) {
            return option;
        }
        String fromEnv = context.env().get(env);
        if (fromEnv != null) {
            return fromEnv;
        }
        err.print(prompt + ": ");
        err.flush();
        String line = stdin.readLine();
        if (line == null) {
            throw new ParameterException(spec.commandLine(), "no " + prompt + " given (--" + prompt.replace(' ', '-')
                    + ", $" + env + " or stdin)");
        }
        return line;
    }
}
