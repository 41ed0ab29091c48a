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
        if (password != null) {
            return password;
        }
        String fromEnv = context.env().get(ENV);
        if (fromEnv != null) {
            return fromEnv;
        }
        err.print("password: ");
        err.flush();
        String line = new BufferedReader(new InputStreamReader(context.stdin(), StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            throw new ParameterException(mixee.commandLine(), "no password given (--password, $" + ENV + " or stdin)");
        }
        return line;
    }
}
