package org.raftchat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.testing.ProcessCluster;

/**
 * The interactive client as a user sees it: {@code bin/raftchat} in two real terminals (tmux)
 * against three node processes. Two new users register from the login prompt, chat in a room,
 * the node the first one is connected to is killed with SIGKILL mid-conversation, and they keep
 * chatting: each screen must show every message exactly once and in order.
 */
class InteractiveChatIT {

    private static final Path NODE_JAR = Path.of(System.getProperty("raftchat.node.jar", "../raft-node/target/raft-node.jar"));
    private static final Path RAFTCHAT = Path.of(System.getProperty("raftchat.launcher", "../bin/raftchat"));
    private static final String PASSWORD = "correct horse battery";
    /** A message line as the client shows it: [seq] HH:mm:ss author: text. */
    private static final Pattern MESSAGE = Pattern.compile("^\\[(\\d+)] \\d\\d:\\d\\d:\\d\\d (\\S+): (.*)$", Pattern.MULTILINE);
    private static final Pattern CONNECTED = Pattern.compile("connected to (n\\d) \\(");

    @TempDir
    Path dir;
    ProcessCluster cluster;
    Path socket;
    final List<TmuxTerminal> terminals = new ArrayList<>();

    @BeforeAll
    static void needsTmux() {
        TmuxTerminal.requireTmux();
    }

    @AfterEach
    void stop() {
        terminals.forEach(TmuxTerminal::close);
        if (socket != null) {
            TmuxTerminal.killServer(socket);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void twoUsersKeepChattingAcrossAKillOfTheNodeOneIsConnectedTo() throws Exception {
        // Goal: the issue's "done when": register, join, chat, kill -9 the node one client is on, chat on;
        // neither screen loses or repeats a message, and the first one says it was reconnecting.
        cluster = ProcessCluster.start(NODE_JAR, 3, Files.createDirectories(dir.resolve("cluster")));
        cluster.awaitLeader();
        socket = dir.resolve("tmux.sock");
        List<String> addresses = cluster.config().apiAddresses();
        TmuxTerminal ann = open("ann", String.join(",", addresses));
        TmuxTerminal bob = open("bob", String.join(",", addresses.get(1), addresses.get(2), addresses.get(0)));
        registerFromTheLoginPrompt(ann, "ann");
        registerFromTheLoginPrompt(bob, "bob");

        ann.type("/create lobby where the test chats");
        awaitScreen().until(() -> ann.visible().contains("#lobby>"));
        bob.type("/join lobby");
        awaitScreen().until(() -> bob.visible().contains("#lobby>"));

        List<String> sent = new ArrayList<>();
        for (int round = 1; round <= 4; round++) {
            say(ann, "ann", "before the kill " + round, sent);
            say(bob, "bob", "before the kill " + round, sent);
        }
        String annNode = connectedNode(ann);
        cluster.kill9(annNode);
        for (int round = 1; round <= 4; round++) {
            say(ann, "ann", "after the kill " + round, sent);
            say(bob, "bob", "after the kill " + round, sent);
        }

        awaitScreen().until(() -> messages(ann.transcript()).size() >= sent.size() && messages(bob.transcript()).size() >= sent.size());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            expected.add("[" + (i + 1) + "] " + sent.get(i));
        }
        assertThat(messages(ann.transcript())).as("ann's screen:\n" + ann.transcript()).containsExactlyElementsOf(expected);
        assertThat(messages(bob.transcript())).as("bob's screen:\n" + bob.transcript()).containsExactlyElementsOf(expected);
        assertThat(ann.transcript()).contains("lost the connection to");
        awaitScreen().until(() -> CONNECTED.matcher(ann.visible()).find() && !connectedNode(ann).equals(annNode));

        // A private message while ann is in #lobby: announced, then shown after the marker when she switches.
        bob.type("/msg ann psst, ann");
        awaitScreen().until(() -> ann.transcript().contains("unread in @ann,bob (/query bob)"));
        ann.type("/query bob");
        awaitScreen().until(() -> ann.visible().contains("@bob>"));
        awaitScreen().until(() -> ann.transcript().substring(ann.transcript().lastIndexOf("@ann,bob =====")).contains("bob: psst, ann"));
        String dm = ann.transcript().substring(ann.transcript().lastIndexOf("@ann,bob ====="));
        assertThat(dm.indexOf("new messages")).as(dm).isPositive().isLessThan(dm.indexOf("[1] "));
        assertThat(messages(dm)).containsExactly("[1] bob: psst, ann");
    }

    private TmuxTerminal open(String user, String cluster) throws Exception {
        Path home = Files.createDirectories(dir.resolve(user));
        Map<String, String> env = Map.of("HOME", home.toString(), "RAFTCHAT_CLUSTER", cluster,
                SessionStore.ENV, home.resolve("session").toString(), "TERM", "xterm-256color");
        TmuxTerminal terminal = TmuxTerminal.start(socket, user, env, List.of(RAFTCHAT.toAbsolutePath().normalize().toString()));
        terminals.add(terminal);
        return terminal;
    }

    /** A new user types a name and a hidden password, is offered registration, accepts, and is logged in. */
    private static void registerFromTheLoginPrompt(TmuxTerminal terminal, String user) {
        awaitScreen().until(() -> terminal.visible().contains("username:"));
        terminal.type(user);
        awaitScreen().until(() -> terminal.visible().contains("password (not shown):"));
        terminal.type(PASSWORD);
        awaitScreen().until(() -> terminal.visible().contains("Register '" + user + "' as a new account?"));
        terminal.type("y");
        awaitScreen().until(() -> terminal.visible().contains("the same password again:"));
        terminal.type(PASSWORD);
        awaitScreen().until(() -> terminal.visible().contains("Logged in as " + user));
        assertThat(terminal.transcript()).doesNotContain(PASSWORD);
    }

    /** Types a line and waits until the sender's own screen shows it back with its seq. */
    private static void say(TmuxTerminal terminal, String user, String text, List<String> sent) {
        terminal.type(text);
        sent.add(user + ": " + text);
        String line = "[" + sent.size() + "] " + user + ": " + text;
        try {
            awaitScreen().until(() -> messages(terminal.transcript()).contains(line));
        } catch (ConditionTimeoutException e) {
            // The screen says more than the timeout: a line shown garbled, an error, a reconnect that never ended.
            throw new AssertionError(user + "'s screen never showed " + line + ":\n" + terminal.transcript(), e);
        }
    }

    private static String connectedNode(TmuxTerminal terminal) {
        awaitScreen().until(() -> CONNECTED.matcher(terminal.visible()).find());
        Matcher m = CONNECTED.matcher(terminal.visible());
        String node = null;
        while (m.find()) {
            node = m.group(1);
        }
        return node;
    }

    /** Message lines in screen order, as "[seq] author: text". */
    private static List<String> messages(String screen) {
        List<String> lines = new ArrayList<>();
        Matcher m = MESSAGE.matcher(screen);
        while (m.find()) {
            lines.add("[" + m.group(1) + "] " + m.group(2) + ": " + m.group(3).stripTrailing());
        }
        return lines;
    }

    /** Generous: two cores shared by three nodes, two clients and the build; a leader election fits easily. */
    private static ConditionFactory awaitScreen() {
        return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250));
    }
}
