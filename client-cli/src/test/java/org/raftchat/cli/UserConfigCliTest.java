package org.raftchat.cli;

import org.raftchat.client.ConversationRefs;
import org.raftchat.client.FakeCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the client's settings come from: the config directory, {@code config.properties}, the session
 * file in it, and the precedence flag &gt; environment &gt; config file &gt; default. Every test has its
 * own HOME and config directory under a temp dir.
 */
class UserConfigCliTest {

    private final FakeCluster cluster = new FakeCluster(2);
    private final String clusterArg = String.join(",", cluster.addresses());
    @TempDir
    Path temp;
    private Path configDir;
    private CliRunner cli;

    @BeforeEach
    void isolate() {
        configDir = temp.resolve("config");
        cli = new CliRunner(addresses -> cluster.client(addresses, FakeCluster.FAST), Map.of(
                "HOME", temp.resolve("home").toString(),
                UserConfig.ENV_CONFIG_DIR, configDir.toString(),
                PasswordInput.ENV, "a password"));
        cluster.chat.createRoom("general");
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private void writeConfig(String... lines) throws IOException {
        Files.createDirectories(configDir);
        Files.write(configDir.resolve(UserConfig.FILE_NAME), List.of(lines));
    }

    private JsonNode shown(String... extraArgs) {
        String[] args = new String[extraArgs.length + 3];
        args[0] = "config";
        args[1] = "-o";
        args[2] = "json";
        System.arraycopy(extraArgs, 0, args, 3, extraArgs.length);
        assertThat(cli.run(args)).as(cli.err()).isZero();
        return cli.json();
    }

    /** The device the interactive client ('chat') logs in with, as parsed with the test's environment. */
    private String chatDevice(String... args) {
        CliContext context = new CliContext(addresses -> cluster.client(addresses, FakeCluster.FAST), cli.env,
                new java.io.ByteArrayInputStream(new byte[0]), java.time.ZoneOffset.UTC);
        picocli.CommandLine line = RaftChatCli.newCommandLine(new RaftChatCli(context));
        String[] chatArgs = new String[args.length + 1];
        chatArgs[0] = "chat";
        System.arraycopy(args, 0, chatArgs, 1, args.length);
        ChatCommand chat = (ChatCommand) line.parseArgs(chatArgs).subcommand().commandSpec().userObject();
        return chat.deviceOrDefault(chat.device);
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void theClusterComesFromFlagThenEnvironmentThenConfigFileThenDefault() throws IOException {
        // Goal: each source wins over the ones after it, and 'config' says which one is in effect.
        assertThat(shown().get("cluster").get("source").asText()).isEqualTo("default");
        assertThat(strings(shown().get("cluster").get("value"))).containsExactly("127.0.0.1:9101", "127.0.0.1:9102", "127.0.0.1:9103");

        writeConfig("# my cluster", "cluster = " + clusterArg);
        JsonNode fromFile = shown().get("cluster");
        assertThat(fromFile.get("source").asText()).isEqualTo("config file " + configDir.resolve("config.properties"));
        assertThat(strings(fromFile.get("value"))).containsExactlyElementsOf(cluster.addresses());

        cli.env.put(ClusterOptions.ENV_CLUSTER, "env-host:1");
        assertThat(shown().get("cluster").get("source").asText()).isEqualTo("$RAFTCHAT_CLUSTER");
        assertThat(strings(shown().get("cluster").get("value"))).containsExactly("env-host:1");

        assertThat(shown("--cluster", "flag-host:2").get("cluster").get("source").asText()).isEqualTo("--cluster");
    }

    @Test
    void commandsUseTheConfigFilesCluster() throws IOException {
        // Goal: with only the config file naming the cluster, a one-shot command reaches it.
        writeConfig("cluster = " + clusterArg);
        SessionStore.from(cli.env).save(new SessionStore.Saved("alice", "token-alice"));

        assertThat(cli.run("send", "--room", "general", "hi")).as(cli.err()).isZero();
        assertThat(cli.out()).startsWith("#general seq=1");
    }

    @Test
    void theConfigDirectoryIsChosenByEnvironment() {
        // Goal: $RAFTCHAT_CONFIG_DIR, else $XDG_CONFIG_HOME/raftchat, else ~/.config/raftchat (HOME from the environment).
        assertThat(UserConfig.dir(Map.of("RAFTCHAT_CONFIG_DIR", "/a", "XDG_CONFIG_HOME", "/x", "HOME", "/h")))
                .isEqualTo(new UserConfig.Dir(Path.of("/a"), "$RAFTCHAT_CONFIG_DIR"));
        assertThat(UserConfig.dir(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")))
                .isEqualTo(new UserConfig.Dir(Path.of("/x/raftchat"), "$XDG_CONFIG_HOME"));
        assertThat(UserConfig.dir(Map.of("HOME", "/h")))
                .isEqualTo(new UserConfig.Dir(Path.of("/h/.config/raftchat"), "~/.config"));
    }

    @Test
    void loginKeepsTheSessionInTheConfigDirectoryOwnerOnly() throws IOException {
        // Goal: the session file is <config dir>/session, mode 600, in a directory created with mode 700; later commands use it.
        assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");

        assertThat(cli.run("login", "--cluster", clusterArg, "--user", "bob")).as(cli.err()).isZero();

        Path session = configDir.resolve("session");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(session))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(configDir))).isEqualTo("rwx------");
        assertThat(cli.run("send", "--cluster", clusterArg, "--room", "general", "hi")).isZero();
        assertThat(cluster.chat.all(ConversationRefs.room("general")).get(0).getAuthor()).isEqualTo("bob");
        assertThat(shown().get("loggedInAs").asText()).isEqualTo("bob");
        assertThat(shown().get("sessionFile").get("value").asText()).isEqualTo(session.toString());
    }

    @Test
    void theSessionFileVariableStillWins() {
        // Goal: $RAFTCHAT_SESSION_FILE (raftchat-dev, tests) overrides the config directory's session file.
        Path elsewhere = temp.resolve("elsewhere/session-bob");
        cli.env.put(SessionStore.ENV, elsewhere.toString());

        assertThat(cli.run("login", "--cluster", clusterArg, "--user", "bob")).isZero();

        assertThat(new SessionStore(elsewhere).load()).contains(new SessionStore.Saved("bob", "token-bob"));
        assertThat(configDir.resolve("session")).doesNotExist();
        assertThat(shown().get("sessionFile").get("source").asText()).isEqualTo("$RAFTCHAT_SESSION_FILE");
    }

    @Test
    void aSessionFromTheOldLocationIsUsedUntilTheNextLogin() throws IOException {
        // Goal: a session older clients saved in ~/.raftchat/session still works; the next login moves it to the config dir.
        Path home = temp.resolve("home");
        Path xdg = temp.resolve("xdg");
        cli.env.remove(UserConfig.ENV_CONFIG_DIR);
        cli.env.put(UserConfig.ENV_XDG_CONFIG_HOME, xdg.toString());
        Path legacy = home.resolve(".raftchat/session");
        new SessionStore(legacy).save(new SessionStore.Saved("carol", "token-carol"));

        assertThat(cli.run("send", "--cluster", clusterArg, "--room", "general", "old session")).as(cli.err()).isZero();
        assertThat(cluster.chat.all(ConversationRefs.room("general")).get(0).getAuthor()).isEqualTo("carol");

        assertThat(cli.run("login", "--cluster", clusterArg, "--user", "carol")).isZero();
        assertThat(legacy).doesNotExist();
        assertThat(new SessionStore(xdg.resolve("raftchat/session")).load()).contains(new SessionStore.Saved("carol", "token-carol"));
    }

    @Test
    void aBrokenConfigFileIsAUsageErrorNamingTheFile() throws IOException {
        // Goal: unknown keys and bad addresses in the config file exit 2 and say where the mistake is.
        writeConfig("clutser = a:1");
        assertThat(cli.run("rooms")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains(configDir.resolve("config.properties") + ": unknown key 'clutser'");

        writeConfig("cluster = nohost");
        assertThat(cli.run("rooms", "-o", "json")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.errorJson().get("error").get("message").asText()).contains("config.properties: cluster").contains("'nohost'");
    }

    @Test
    void configSetAndUnsetEditTheFile() throws IOException {
        // Goal: 'config set' writes a key (keeping other lines), 'config unset' removes it; bad keys and addresses are usage errors.
        writeConfig("# keep me", "device = desk");

        assertThat(cli.run("config", "set", "cluster", clusterArg)).isZero();
        assertThat(Files.readAllLines(configDir.resolve("config.properties")))
                .containsExactly("# keep me", "device = desk", "cluster = " + clusterArg);
        assertThat(shown().get("device").get("value").asText()).isEqualTo("desk");
        assertThat(cli.run("config", "unset", "device")).isZero();
        assertThat(shown().get("device").get("value").asText()).isEqualTo("cli");
        assertThat(shown().get("device").get("source").asText()).isEqualTo("default");

        assertThat(cli.run("config", "set", "colour", "blue")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("config", "set", "cluster", "nohost")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("'nohost' is not host:port");
    }

    @Test
    void theConfigFileGivesLoginsDeviceAndTheTlsCa() throws IOException {
        // Goal: 'device' is the default device of login and of the interactive client; 'tls.ca' (relative to the config dir) is the CA to trust.
        writeConfig("cluster = " + clusterArg, "device = laptop");
        assertThat(cli.run("login", "-o", "json", "--user", "bob")).as(cli.err()).isZero();
        assertThat(cli.json().get("device").asText()).isEqualTo("laptop");
        assertThat(chatDevice()).isEqualTo("laptop");
        assertThat(chatDevice("--device", "desk")).isEqualTo("desk");

        writeConfig("cluster = " + clusterArg, "tls.ca = ca.crt");
        assertThat(cli.run("rooms")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("cannot use the TLS files (" + configDir.resolve("ca.crt") + ")");
        JsonNode ca = shown().get("tlsCa");
        assertThat(ca.get("value").asText()).isEqualTo(configDir.resolve("ca.crt").toString());
        assertThat(ca.get("source").asText()).startsWith("config file");
        cli.env.put(ClusterOptions.ENV_TLS_CA, "/env/ca.pem");
        assertThat(shown().get("tlsCa").get("source").asText()).isEqualTo("$RAFTCHAT_TLS_CA");
    }

    @Test
    void configShowsEverySettingInText() {
        // Goal: plain 'raftchat config' prints one line per setting with its source.
        assertThat(cli.run("config")).isZero();

        assertThat(cli.out().lines()).extracting(l -> l.split("\\s+")[0])
                .containsExactly("config", "config", "cluster", "tls.ca", "device", "session", "logged");
        assertThat(cli.out()).contains("(default)", "(absent)", "(" + "$RAFTCHAT_CONFIG_DIR" + ")", "logged in as  nobody");
    }
}
