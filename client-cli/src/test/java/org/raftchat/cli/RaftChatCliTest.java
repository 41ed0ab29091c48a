package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import org.raftchat.client.ConversationRefs;
import org.raftchat.client.FakeCluster;
import org.raftchat.client.FakeNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RaftChatCliTest {

    private final FakeCluster cluster = new FakeCluster(2);
    private final String clusterArg = String.join(",", cluster.addresses());
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    @org.junit.jupiter.api.io.TempDir
    Path home;
    Path sessionFile;

    @org.junit.jupiter.api.BeforeEach
    void logInAsAlice() {
        sessionFile = home.resolve("session");
        new SessionStore(sessionFile).save(new SessionStore.Saved("alice", "token-alice"));
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    /** Runs raftchat against the fake cluster (through in-process channels), with captured output. */
    private int run(String... args) {
        return run(Map.of(), new ByteArrayInputStream(new byte[0]), args);
    }

    private int run(Map<String, String> env, InputStream stdin, String... args) {
        ClientFactory clients = addresses -> cluster.client(addresses, FakeCluster.FAST);
        CliContext context = new CliContext(clients, withSession(env), stdin, ZoneOffset.UTC);
        CommandLine cli = new CommandLine(new RaftChatCli(context));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /**
     * Every run is logged in as alice (the fake node reads the user from the token), unless the test says
     * otherwise, with a config directory of its own (never the real one).
     */
    private Map<String, String> withSession(Map<String, String> env) {
        Map<String, String> merged = new java.util.HashMap<>(env);
        merged.putIfAbsent(SessionStore.ENV, sessionFile.toString());
        merged.putIfAbsent(UserConfig.ENV_CONFIG_DIR, home.resolve("config").toString());
        return merged;
    }

    private void seedGeneral(String... texts) {
        cluster.chat.createRoom("general");
        for (String text : texts) {
            String[] authorText = text.split(": ", 2);
            cluster.chat.append(ConversationRefs.room("general"), authorText[0], authorText[1]);
        }
    }

    @Test
    void versionNamesTheBuildAndItsCommit() {
        // Goal: --version prints the version and git commit the build recorded, not "(development build)".
        assertThat(run("--version")).isZero();
        assertThat(out.toString().strip()).isEqualTo(org.raftchat.config.BuildInfo.current().describe("raftchat"))
                .matches("raftchat \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\((commit [0-9a-f]{12}|unknown commit)\\)");
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        // Goal: picocli's usage errors exit 2 and say what is missing.
        int code = run("send", "--cluster", clusterArg, "hello");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("Missing required option: '--room=ROOM'");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void malformedClusterAddressIsAUsageError() {
        // Goal: a --cluster value that is not host:port is caught before any network call.
        int code = run("status", "--cluster", "localhost");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--cluster: 'localhost' is not host:port");
    }

    @Test
    void sendPrintsTheRoomAndTheAssignedSeq() {
        // Goal: send posts the joined words and prints "#room seq=N".
        seedGeneral("bob: first");

        int code = run("send", "--cluster", clusterArg, "--room", "general", "hello", "there");

        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).isEqualTo("#general seq=2" + System.lineSeparator());
        assertThat(cluster.chat.all(ConversationRefs.room("general")).get(1).getText()).isEqualTo("hello there");
    }

    @Test
    void sendToAnUnknownRoomExitsWithNotFound() {
        // Goal: NOT_FOUND exits 3 with the server's explanation on stderr and no stack trace.
        int code = run("send", "--cluster", clusterArg, "--room", "nowhere", "hi");

        assertThat(code).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(err.toString()).isEqualTo("raftchat: room 'nowhere' does not exist" + System.lineSeparator());
    }

    @Test
    void creatingAnExistingRoomExitsWithRejected() {
        // Goal: ALREADY_EXISTS is a refusal: exit 5.
        seedGeneral();

        assertThat(run("create-room", "--cluster", clusterArg, "general")).isEqualTo(ExitCodes.REJECTED);
        assertThat(err.toString()).startsWith("raftchat: room 'general' already exists");
    }

    @Test
    void createRoomThenDmPrintTheirResults() {
        // Goal: create-room confirms the room; dm prints the private conversation and seq.
        assertThat(run("create-room", "--cluster", clusterArg, "lobby")).isEqualTo(ExitCodes.OK);
        assertThat(run("dm", "--cluster", clusterArg, "--to", "bob", "psst")).isEqualTo(ExitCodes.OK);

        assertThat(out.toString().lines()).containsExactly("created #lobby", "@alice,bob seq=1");
    }

    @Test
    void unreachableClusterExitsWithUnavailable() throws IOException {
        // Goal: a cluster nobody listens on exits 4 with a message that says how to start one.
        String closed = "127.0.0.1:" + FakeCluster.closedPort();
        CommandLine cli = new CommandLine(new RaftChatCli(new CliContext(
                addresses -> new ChatClient(addresses, FakeCluster.FAST.withRetryBudget(Duration.ofSeconds(1))), withSession(Map.of()),
                new ByteArrayInputStream(new byte[0]), ZoneOffset.UTC)));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute("send", "--cluster", closed, "--room", "general", "hi");

        assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(err.toString()).startsWith("raftchat: no node reachable at " + closed
                + ": is the cluster running? (./raftchat-dev up)");
    }

    @Test
    void historyPrintsOneLinePerMessageOldestFirst() {
        // Goal: history prints "[seq] HH:mm:ss author: text" and honours --after and --limit.
        seedGeneral("alice: one", "bob: two", "alice: three", "bob: four");

        int code = run("history", "--cluster", clusterArg, "--room", "general", "--after", "1", "--limit", "2");

        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(out.toString().lines()).containsExactly("[2] 12:00:02 bob: two", "[3] 12:00:03 alice: three");
    }

    @Test
    void historyOfADirectConversation() {
        // Goal: --dm a,b reads the private conversation regardless of the order the users are named in.
        cluster.chat.append(ConversationRefs.direct("alice", "bob"), "alice", "psst");

        assertThat(run("history", "--cluster", clusterArg, "--dm", "bob,alice")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString().lines()).containsExactly("[1] 12:00:01 alice: psst");
    }

    @Test
    void historyRejectsConflictingAnchors() {
        // Goal: --before and --after together is a usage error.
        int code = run("history", "--cluster", clusterArg, "--room", "general", "--before", "3", "--after", "1");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("mutually exclusive");
    }

    @Test
    void tailPrintsCountMessagesThenExits() {
        // Goal: tail --after 0 --count 3 prints the first three messages and exits 0.
        seedGeneral("alice: one", "bob: two", "alice: three", "bob: four");

        int code = run("tail", "--cluster", clusterArg, "--room", "general", "--after", "0", "--count", "3");

        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(out.toString().lines()).containsExactly(
                "[1] 12:00:01 alice: one", "[2] 12:00:02 bob: two", "[3] 12:00:03 alice: three");
    }

    @Test
    void tailOfAnUnknownRoomExitsWithNotFound() {
        // Goal: a final subscription error ends tail with the matching exit code.
        assertThat(run("tail", "--cluster", clusterArg, "--room", "nowhere", "--after", "0")).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void statusPrintsEachNodeOrDown() {
        // Goal: status lists every node with id, role, term, leader and applied index, and "down" for a dead one.
        String cluster3 = clusterArg + "," + cluster.downAddress();

        int code = run("status", "--cluster", cluster3);

        assertThat(code).isEqualTo(ExitCodes.OK);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith(cluster.node(0).address).contains("n1", "STATE_LEADER", "term=3",
                "leader=n1", "applied=42");
        assertThat(lines.get(1)).contains("n2", "STATE_FOLLOWER");
        assertThat(lines.get(2)).startsWith(cluster.downAddress()).contains("down");
    }

    @Test
    void statusWithEveryNodeDownExitsWithUnavailable() {
        // Goal: no node answering is exit 4, still with a line per node.
        assertThat(run("status", "--cluster", cluster.downAddress())).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(out.toString()).contains("down");
        assertThat(err.toString()).contains("no node reachable");
    }

    @Test
    void clusterComesFromTheEnvironmentWhenNoOptionIsGiven() {
        // Goal: RAFTCHAT_CLUSTER is used when neither --cluster nor --cluster-file is given.
        seedGeneral();

        int code = run(Map.of("RAFTCHAT_CLUSTER", clusterArg), new ByteArrayInputStream(new byte[0]),
                "send", "--room", "general", "hi");

        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).startsWith("#general seq=1");
    }

    @Test
    void tailWithoutAfterFollowsOnlyNewMessages() throws Exception {
        // Goal: by default tail starts at the conversation's current end and prints what arrives next.
        seedGeneral("alice: old one", "bob: old two");
        CompletableFuture<Integer> tail = CompletableFuture.supplyAsync(
                () -> run("tail", "--cluster", clusterArg, "--room", "general", "--count", "1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> !cluster.node(0).subscribedAfter.isEmpty());
        cluster.chat.append(ConversationRefs.room("general"), "carol", "new");

        assertThat(tail.get(5, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
        assertThat(cluster.node(0).subscribedAfter).containsExactly(2L);
        assertThat(out.toString().lines()).containsExactly("[3] 12:00:03 carol: new");
    }

    @Test
    void clusterFileGivesTheApiAddresses(@TempDir Path dir) throws IOException {
        // Goal: --cluster-file reads the nodes' API addresses from the same YAML the nodes use.
        seedGeneral();
        StringBuilder yaml = new StringBuilder("nodes:\n");
        for (int i = 0; i < cluster.nodes.size(); i++) {
            String[] hostPort = cluster.node(i).address.split(":");
            yaml.append("  - {id: n").append(i + 1).append(", host: ").append(hostPort[0])
                    .append(", raftPort: ").append(8101 + i).append(", apiPort: ").append(hostPort[1]).append("}\n");
        }
        Path file = Files.writeString(dir.resolve("cluster.yaml"), yaml);

        int code = run("send", "--cluster-file", file.toString(), "--room", "general", "hi");

        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).startsWith("#general seq=1");
    }

    @Test
    void clusterAndClusterFileTogetherIsAUsageError(@TempDir Path dir) {
        // Goal: two sources for the cluster is ambiguous, so it is refused.
        int code = run("status", "--cluster", clusterArg, "--cluster-file", dir.resolve("c.yaml").toString());

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--cluster and --cluster-file are mutually exclusive");
    }

    @Test
    void noCommandStartsTheInteractiveChat() {
        // Goal: `raftchat` alone is `raftchat chat`; any arguments are left as they are.
        assertThat(RaftChatCli.withDefaultCommand(new String[0])).containsExactly("chat");
        assertThat(RaftChatCli.withDefaultCommand(new String[] {"rooms"})).containsExactly("rooms");
        assertThat(run("chat", "--help")).isZero();
        assertThat(out.toString()).contains("Interactive chat").contains("--room");
    }

    @Test
    void loginSavesTheSessionAndCommandsWithoutOneAreRefused() {
        // Goal: login writes the session file later commands use; without one a command says how to log in.
        Path other = home.resolve("other-session");
        Map<String, String> env = Map.of(SessionStore.ENV, other.toString(), PasswordInput.ENV, "bob's password");

        assertThat(run(env, new ByteArrayInputStream(new byte[0]), "send", "--cluster", clusterArg, "--room", "general", "hi"))
                .isEqualTo(ExitCodes.AUTH);
        assertThat(err.toString()).contains("not logged in: run 'raftchat login --user NAME' first");
        assertThat(run(env, new ByteArrayInputStream(new byte[0]), "login", "--cluster", clusterArg, "--user", "bob")).isZero();
        assertThat(new SessionStore(other).load()).contains(new SessionStore.Saved("bob", "token-bob"));
        seedGeneral();
        assertThat(run(env, new ByteArrayInputStream(new byte[0]), "send", "--cluster", clusterArg, "--room", "general", "hi")).isZero();
        assertThat(cluster.chat.all(ConversationRefs.room("general")).get(0).getAuthor()).isEqualTo("bob");
    }

    @Test
    void aPasswordIsReadFromStandardInputWhenNotGiven() {
        // Goal: without --password or $RAFTCHAT_PASSWORD, one line of stdin is the password; a wrong one is refused.
        InputStream wrong = new ByteArrayInputStream("wrong password\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(run(Map.of(), wrong, "login", "--cluster", clusterArg, "--user", "bob")).isEqualTo(ExitCodes.AUTH);
        assertThat(err.toString()).contains("unknown username or wrong password");
    }

    @Test
    void passwdReadsTheOldThenTheNewPasswordFromStandardInput() {
        // Goal: without options or environment, passwd reads two lines of stdin: the old password, then the new one.
        InputStream lines = new ByteArrayInputStream("old password\nnew password\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(run(Map.of(), lines, "passwd", "--cluster", clusterArg)).isZero();

        assertThat(cluster.nodes.get(0).lastPasswordChange).containsExactly("old password", "new password");
        assertThat(out.toString()).contains("password changed for alice; 1 other session ended");
    }

    @Test
    void sessionsListsDevicesAndMarksThisOne() {
        // Goal: the text list shows id, device and times, with * on the calling session.
        assertThat(run("sessions", "--cluster", clusterArg)).isZero();

        assertThat(out.toString().lines().toList()).containsExactly(
                "  " + FakeNode.PHONE_SESSION + "  phone  created 2024-01-01T12:00:00Z  last active 2024-01-01T12:01:00Z"
                        + "  ends by 2024-01-08T12:01:00Z",
                "* " + FakeNode.LAPTOP_SESSION + "  laptop  created 2024-01-01T12:00:01Z  last active 2024-01-01T12:00:02Z");
    }

    @Test
    void unexpectedFailurePrintsOneLineWithoutAStackTrace() {
        // Goal: the installed execution-exception handler turns a surprise into "raftchat: ..." and exit 1.
        CommandLine cli = RaftChatCli.newCommandLine(new RaftChatCli(new CliContext(
                addresses -> { throw new IllegalStateException("boom"); }, withSession(Map.of()),
                new ByteArrayInputStream(new byte[0]), ZoneOffset.UTC)));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute("status", "--cluster", clusterArg);

        assertThat(code).isEqualTo(ExitCodes.UNEXPECTED);
        assertThat(err.toString()).startsWith("raftchat: unexpected error: java.lang.IllegalStateException: boom")
                .doesNotContain("\tat ");
    }

    @Test
    void usageErrorThroughTheInstalledHandlerIsShort() {
        // Goal: with the CLI's own handlers, a usage error is one line plus a pointer to --help.
        CommandLine cli = RaftChatCli.newCommandLine(new RaftChatCli(new CliContext(
                addresses -> cluster.client(addresses, FakeCluster.FAST), withSession(Map.of()),
                new ByteArrayInputStream(new byte[0]), ZoneOffset.UTC)));
        cli.setErr(new PrintWriter(err, true));

        assertThat(cli.execute("history", "--room", "general", "--limit", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString().lines()).containsExactly(
                "raftchat: --limit: must be in 1..1000, got 0", "Try 'raftchat history --help' for more information.");
        assertThat(cli.execute()).isEqualTo(ExitCodes.USAGE);
    }
}
