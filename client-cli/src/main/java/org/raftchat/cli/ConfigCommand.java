package org.raftchat.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.raftchat.client.ClusterConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code raftchat config}: the client settings in effect and where each came from; edits the user's config file. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Show the client settings in effect and where each comes from (flag, environment, config file, default).",
                "'config set KEY VALUE' and 'config unset KEY' edit <config dir>/" + UserConfig.FILE_NAME + "; keys: "
                        + UserConfig.CLUSTER + " (host:port,...), " + UserConfig.TLS_CA + " (CA certificate, PEM), "
                        + UserConfig.DEVICE + " (login's default device)."})
final class ConfigCommand implements Callable<Integer> {

    @ParentCommand
    RaftChatCli root;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    OutputOptions outputOptions;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", defaultValue = "show", description = "show (default), set or unset")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY")
    String key;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VALUE")
    String value;

    /** A setting's effective value (null when none) and the rule that chose it. */
    record Setting(Object value, String source) { }

    record Shown(Setting configDir, String configFile, boolean configFileExists, Setting cluster, Setting tlsCa,
                 Setting device, Setting sessionFile, String loggedInAs) { }

    /** After set or unset: the file written and the key's new value (null: unset). */
    record Changed(String configFile, String key, String value) { }

    @Override
    public Integer call() {
        Map<String, String> env = root.context().env();
        return switch (action) {
            case "show" -> show(env);
            case "set" -> set(env);
            case "unset" -> unset(env);
            default -> throw usage("ACTION: expected show, set or unset, got '" + action + "'");
        };
    }

    private int show(Map<String, String> env) {
        if (key != null) {
            throw usage("config show takes no KEY");
        }
        UserConfig config = cluster.userConfig(env);
        UserConfig.Dir dir = UserConfig.dir(env);
        ClusterOptions.Sourced<List<String>> addresses = cluster.resolvedAddresses(env);
        ClusterOptions.Sourced<Optional<Path>> ca = cluster.resolvedTlsCa(env);
        Setting device = config.device().map(d -> new Setting(d, "config file " + config.file()))
                .orElse(new Setting(LoginCommand.DEFAULT_DEVICE, "default"));
        SessionStore sessions = SessionStore.from(env);
        String user = sessions.load().map(SessionStore.Saved::username).orElse(null);
        Shown shown = new Shown(new Setting(dir.path().toString(), dir.source()), config.file().toString(), config.exists(),
                new Setting(addresses.value(), addresses.source()), new Setting(ca.value().map(Path::toString).orElse(null), ca.source()),
                device, new Setting(sessions.file().toString(), sessions.source()), user);
        output().result(shown, out -> {
            out.println("config dir    " + dir.path() + "  (" + dir.source() + ")");
            out.println("config file   " + config.file() + (config.exists() ? "" : "  (absent)"));
            out.println("cluster       " + String.join(",", addresses.value()) + "  (" + addresses.source() + ")");
            out.println("tls.ca        " + ca.value().map(Path::toString).orElse("-") + "  (" + ca.source() + ")");
            out.println("device        " + device.value() + "  (" + device.source() + ")");
            out.println("session file  " + sessions.file() + "  (" + sessions.source() + ")");
            out.println("logged in as  " + (user == null ? "nobody" : user));
        });
        return ExitCodes.OK;
    }

    private int set(Map<String, String> env) {
        if (key == null || value == null) {
            throw usage("config set: expected KEY VALUE (keys: " + String.join(", ", UserConfig.KEYS) + ")");
        }
        checkKey();
        if (key.equals(UserConfig.CLUSTER)) {
            checkAddresses(value);
        }
        Path file = UserConfig.write(env, key, value);
        output().result(new Changed(file.toString(), key, value), "set " + key + " = " + value + " in " + file);
        return ExitCodes.OK;
    }

    private int unset(Map<String, String> env) {
        if (key == null || value != null) {
            throw usage("config unset: expected KEY (keys: " + String.join(", ", UserConfig.KEYS) + ")");
        }
        checkKey();
        Path file = UserConfig.write(env, key, null);
        output().result(new Changed(file.toString(), key, null), "unset " + key + " in " + file);
        return ExitCodes.OK;
    }

    private void checkKey() {
        if (!UserConfig.KEYS.contains(key)) {
            throw usage("KEY: expected one of " + String.join(", ", UserConfig.KEYS) + ", got '" + key + "'");
        }
    }

    private void checkAddresses(String addresses) {
        for (String address : Arrays.asList(addresses.split(","))) {
            try {
                ClusterConnection.requireAddress(address.strip());
            } catch (IllegalArgumentException e) {
                throw usage(UserConfig.CLUSTER + ": " + e.getMessage());
            }
        }
    }

    private CommandOutput output() {
        return new CommandOutput(outputOptions.json(), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
