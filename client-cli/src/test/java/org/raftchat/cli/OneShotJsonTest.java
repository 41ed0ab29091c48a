package org.raftchat.cli;

import org.raftchat.client.ConversationRefs;
import org.raftchat.client.FakeChat;
import org.raftchat.client.FakeCluster;
import org.raftchat.client.FakeNode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-shot commands for scripts: {@code --output json} of each command, and every exit-code category. */
class OneShotJsonTest {

    private final FakeCluster cluster = new FakeCluster(2);
    private final String clusterArg = String.join(",", cluster.addresses());
    @TempDir
    Path temp;
    private CliRunner cli;

    @BeforeEach
    void logInAsAlice() {
        cli = new CliRunner(addresses -> cluster.client(addresses, FakeCluster.FAST), Map.of(
                "HOME", temp.resolve("home").toString(),
                UserConfig.ENV_CONFIG_DIR, temp.resolve("config").toString(),
                ClusterOptions.ENV_CLUSTER, clusterArg,
                PasswordInput.ENV, "alice's password"));
        SessionStore.from(cli.env).save(new SessionStore.Saved("alice", "token-alice"));
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private void seedGeneral(String... texts) {
        cluster.chat.createRoom("general");
        for (String text : texts) {
            String[] authorText = text.split(": ", 2);
            cluster.chat.append(ConversationRefs.room("general"), authorText[0], authorText[1]);
        }
    }

    private static List<String> texts(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.get(field).asText()).toList();
    }

    // ---- results ----

    @Test
    void sendAndDmPrintTheStoredMessage() {
        // Goal: send and dm print the stored message as one JSON object: conversation, seq, author, text, time.
        seedGeneral("bob: first");

        assertThat(cli.run("send", "--output", "json", "--room", "general", "hello", "there")).isZero();
        JsonNode sent = cli.json();
        assertThat(sent.get("conversation").asText()).isEqualTo("#general");
        assertThat(sent.get("seq").asLong()).isEqualTo(2);
        assertThat(sent.get("kind").asText()).isEqualTo("POST");
        assertThat(sent.get("author").asText()).isEqualTo("alice");
        assertThat(sent.get("text").asText()).isEqualTo("hello there");
        assertThat(sent.get("timestampMs").asLong()).isEqualTo(FakeChat.EPOCH_MS + 2000);
        assertThat(sent.get("time").asText()).isEqualTo("2024-01-01T12:00:02Z");
        assertThat(sent.get("edited").asBoolean()).isFalse();
        assertThat(sent.has("refersToSeq")).isFalse();

        assertThat(cli.run("dm", "-o", "json", "--to", "bob", "psst")).isZero();
        assertThat(cli.json().get("conversation").asText()).isEqualTo("@alice,bob");
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void sessionCommandsPrintTheirResults() {
        // Goal: sessions, sessions revoke, logout --all/--others and passwd each print one object; never a token.
        assertThat(cli.run("sessions", "-o", "json")).isZero();
        JsonNode sessions = cli.json().get("sessions");
        assertThat(texts(sessions, "id")).containsExactly(FakeNode.PHONE_SESSION, FakeNode.LAPTOP_SESSION);
        assertThat(texts(sessions, "device")).containsExactly("phone", "laptop");
        assertThat(texts(sessions, "current")).containsExactly("false", "true");
        assertThat(sessions.get(0).get("created").asText()).isEqualTo("2024-01-01T12:00:00Z");
        assertThat(sessions.get(0).get("lastActiveMs").asLong()).isEqualTo(FakeChat.EPOCH_MS + 60_000);
        assertThat(sessions.get(0).get("expiresAtMs").asLong()).isEqualTo(FakeChat.EPOCH_MS + 2_592_000_000L);
        assertThat(sessions.get(1).has("expiresAtMs")).as("no deadline: left out").isFalse();
        assertThat(cli.out()).doesNotContain("token");

        assertThat(cli.run("sessions", "-o", "json", "revoke", FakeNode.PHONE_SESSION)).isZero();
        assertThat(cli.json().get("id").asText()).isEqualTo(FakeNode.PHONE_SESSION);
        assertThat(cli.json().get("sessionsEnded").asInt()).isEqualTo(1);

        assertThat(cli.run("logout", "-o", "json", "--others")).isZero();
        assertThat(cli.json().get("sessionsEnded").asInt()).isEqualTo(1);
        assertThat(cli.json().get("keptCurrent").asBoolean()).isTrue();
        assertThat(SessionStore.from(cli.env).load()).as("--others keeps this session").isPresent();

        assertThat(cli.run("passwd", "-o", "json", "--new-password", "a new password")).isZero();
        assertThat(cli.json().get("username").asText()).isEqualTo("alice");
        assertThat(cli.json().get("sessionsEnded").asInt()).isEqualTo(1);
        assertThat(cluster.nodes.get(0).lastPasswordChange).containsExactly("alice's password", "a new password");

        assertThat(cli.run("logout", "-o", "json", "--all")).isZero();
        assertThat(cli.json().get("sessionsEnded").asInt()).isEqualTo(2);
        assertThat(cli.json().get("keptCurrent").asBoolean()).isFalse();
        assertThat(SessionStore.from(cli.env).load()).as("--all ends this session too").isEmpty();
    }

    @Test
    void sessionCommandFailuresExitWithTheirCategory() {
        // Goal: an unknown session id is NOT_FOUND (3), a wrong old password a refusal (5), bad usage 2.
        assertThat(cli.run("sessions", "-o", "json", "revoke", "ffffffffffff")).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(cli.errorJson().get("error").get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(cli.run("passwd", "-o", "json", "--password", "wrong password", "--new-password", "a new password"))
                .isEqualTo(ExitCodes.REJECTED);
        assertThat(cli.errorJson().get("error").get("code").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(cli.run("sessions", "revoke")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("logout", "--all", "--others")).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void historyPrintsOnePageObject() {
        // Goal: history prints one object: the conversation, its newest seq, and the page's messages oldest first.
        seedGeneral("alice: one", "bob: two", "alice: three", "bob: four");

        assertThat(cli.run("history", "-o", "json", "--room", "general", "--after", "1", "--limit", "2")).isZero();

        JsonNode page = cli.json();
        assertThat(page.get("conversation").asText()).isEqualTo("#general");
        assertThat(page.get("lastSeq").asLong()).isEqualTo(4);
        assertThat(texts(page.get("messages"), "text")).containsExactly("two", "three");
        assertThat(texts(page.get("messages"), "seq")).containsExactly("2", "3");
    }

    @Test
    void tailPrintsOneObjectPerMessage() {
        // Goal: tail --output json is NDJSON: one message object per line, as it arrives.
        seedGeneral("alice: one", "bob: two", "alice: three");

        assertThat(cli.run("tail", "-o", "json", "--room", "general", "--after", "0", "--count", "3")).isZero();

        List<JsonNode> lines = CliRunner.jsonLines(cli.out());
        assertThat(lines).extracting(n -> n.get("seq").asLong()).containsExactly(1L, 2L, 3L);
        assertThat(lines).extracting(n -> n.get("author").asText()).containsExactly("alice", "bob", "alice");
    }

    @Test
    void roomCommandsPrintTheirResults() {
        // Goal: create-room, rooms, join, who, leave and delete-room each print one object with stable fields.
        seedGeneral();

        assertThat(cli.run("create-room", "-o", "json", "lobby", "--description", "hang out")).isZero();
        assertThat(cli.json().get("room").asText()).isEqualTo("lobby");
        assertThat(cli.run("rooms", "-o", "json")).isZero();
        JsonNode rooms = cli.json().get("rooms");
        assertThat(texts(rooms, "name")).containsExactly("general", "lobby");
        assertThat(rooms.get(0).get("description").asText()).isEqualTo("everything");
        assertThat(rooms.get(0).get("owner").asText()).isEqualTo("alice");
        assertThat(rooms.get(0).get("memberCount").asInt()).isEqualTo(2);
        assertThat(cli.run("join", "-o", "json", "general")).isZero();
        JsonNode joined = cli.json();
        assertThat(joined.get("room").asText()).isEqualTo("general");
        assertThat(joined.get("member").asBoolean()).isTrue();
        assertThat(joined.get("memberCount").asInt()).isEqualTo(2);
        assertThat(cli.run("who", "-o", "json", "general")).isZero();
        assertThat(cli.json().get("members")).extracting(JsonNode::asText).containsExactly("alice", "bob");
        assertThat(cli.run("leave", "-o", "json", "general")).isZero();
        assertThat(cli.json().get("member").asBoolean()).isFalse();
        assertThat(cli.run("delete-room", "-o", "json", "lobby")).isZero();
        assertThat(cli.json().get("movedToMainHall")).extracting(JsonNode::asText).containsExactly("alice", "bob");
    }

    @Test
    void accountCommandsPrintTheirResultsButNeverTheToken() {
        // Goal: register, login, nick and logout print who; login shows unread conversations but not the session token.
        seedGeneral("bob: hi");

        assertThat(cli.run("register", "-o", "json", "--user", "carol")).isZero();
        assertThat(cli.json().get("username").asText()).isEqualTo("carol");
        assertThat(cli.run("login", "-o", "json", "--user", "carol", "--device", "laptop")).isZero();
        JsonNode login = cli.json();
        assertThat(login.get("username").asText()).isEqualTo("carol");
        assertThat(login.get("device").asText()).isEqualTo("laptop");
        assertThat(login.get("unread").get(0).get("conversation").asText()).isEqualTo("#general");
        assertThat(login.get("unread").get(0).get("unread").asLong()).isEqualTo(1);
        assertThat(cli.out()).doesNotContain("token-carol");
        assertThat(cli.run("nick", "-o", "json", "Caro")).isZero();
        assertThat(cli.json().get("nickname").asText()).isEqualTo("Caro");
        assertThat(cli.run("logout", "-o", "json")).isZero();
        assertThat(cli.json().get("username").asText()).isEqualTo("carol");
    }

    @Test
    void unreadAndReadPrintConversationsAndMessages() {
        // Goal: unread lists conversations with unread messages; read prints them once with the new read position.
        seedGeneral("bob: one", "bob: two");

        assertThat(cli.run("unread", "-o", "json")).isZero();
        JsonNode unread = cli.json().get("conversations").get(0);
        assertThat(unread.get("conversation").asText()).isEqualTo("#general");
        assertThat(unread.get("unread").asLong()).isEqualTo(2);
        assertThat(unread.get("readSeq").asLong()).isZero();
        assertThat(unread.get("lastSeq").asLong()).isEqualTo(2);

        assertThat(cli.run("read", "-o", "json", "--room", "general")).isZero();
        JsonNode read = cli.json();
        assertThat(read.get("readSeq").asLong()).isEqualTo(2);
        assertThat(texts(read.get("messages"), "text")).containsExactly("one", "two");
        assertThat(cli.run("read", "-o", "json", "--room", "general")).isZero();
        assertThat(cli.json().get("messages")).isEmpty();
        assertThat(cli.run("unread", "-o", "json")).isZero();
        assertThat(cli.json().get("conversations")).isEmpty();
    }

    @Test
    void editAndDeletePrintTheirEvents() {
        // Goal: edit and delete print the EDIT / DELETE event with the seq it refers to.
        seedGeneral("alice: helo");

        assertThat(cli.run("edit", "-o", "json", "--room", "general", "--seq", "1", "hello")).isZero();
        JsonNode edit = cli.json();
        assertThat(edit.get("kind").asText()).isEqualTo("EDIT");
        assertThat(edit.get("refersToSeq").asLong()).isEqualTo(1);
        assertThat(edit.get("seq").asLong()).isEqualTo(2);
        assertThat(cli.run("delete", "-o", "json", "--room", "general", "--seq", "1")).isZero();
        assertThat(cli.json().get("kind").asText()).isEqualTo("DELETE");
        assertThat(cli.run("history", "-o", "json", "--room", "general")).isZero();
        assertThat(cli.json().get("messages").get(0).get("deleted").asBoolean()).isTrue();
    }

    @Test
    void presenceCommandsPrintTheirResults() {
        // Goal: friends (list, add, remove) and online print objects a script can read.
        assertThat(cli.run("friends", "-o", "json")).isZero();
        JsonNode friend = cli.json().get("friends").get(0);
        assertThat(friend.get("username").asText()).isEqualTo("bob");
        assertThat(friend.get("online").asBoolean()).isTrue();
        assertThat(cli.run("friends", "add", "bob", "-o", "json")).isZero();
        assertThat(cli.json().get("friend").asBoolean()).isTrue();
        assertThat(cli.run("friends", "remove", "bob", "-o", "json")).isZero();
        assertThat(cli.json().get("friend").asBoolean()).isFalse();
        assertThat(cli.run("online", "-o", "json")).isZero();
        assertThat(cli.json().get("online")).extracting(JsonNode::asText).containsExactly("alice", "bob");
    }

    @Test
    void statusPrintsEveryNodeUpOrDown() {
        // Goal: status --output json has one entry per node asked: its view of the cluster, or why it is down.
        assertThat(cli.run("status", "-o", "json", "--cluster", clusterArg + "," + cluster.downAddress())).isZero();

        JsonNode nodes = cli.json().get("nodes");
        assertThat(nodes).hasSize(3);
        assertThat(nodes.get(0).get("up").asBoolean()).isTrue();
        assertThat(nodes.get(0).get("id").asText()).isEqualTo("n1");
        assertThat(nodes.get(0).get("role").asText()).isEqualTo("STATE_LEADER");
        assertThat(nodes.get(0).get("leader").asText()).isEqualTo("n1");
        assertThat(nodes.get(0).get("appliedIndex").asLong()).isEqualTo(42);
        assertThat(nodes.get(2).get("up").asBoolean()).isFalse();
        assertThat(nodes.get(2).get("downReason").asText()).isNotEmpty();
    }

    // ---- failures: exit code categories, one line on stderr, no stack traces ----

    @Test
    void notFoundExits3WithAJsonError() {
        // Goal: with --output json a failure is {"error":{code,message,exitCode}} on stderr and nothing on stdout.
        assertThat(cli.run("send", "-o", "json", "--room", "nowhere", "hi")).isEqualTo(ExitCodes.NOT_FOUND);

        assertThat(cli.out()).isEmpty();
        JsonNode error = cli.errorJson().get("error");
        assertThat(error.get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(error.get("message").asText()).isEqualTo("room 'nowhere' does not exist");
        assertThat(error.get("exitCode").asInt()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void usageErrorsExit2AsJsonWhenJsonWasAskedFor() {
        // Goal: picocli's parse errors and the commands' own option checks are USAGE (2), as JSON too.
        assertThat(cli.run("send", "-o", "json", "hello")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.errorJson().get("error").get("code").asText()).isEqualTo("USAGE");
        assertThat(cli.errorJson().get("error").get("message").asText()).contains("--room");

        assertThat(cli.run("history", "--output=json", "--room", "general", "--limit", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.errorJson().get("error").get("message").asText()).isEqualTo("--limit: must be in 1..1000, got 0");

        assertThat(cli.run("send", "--room", "general", "--output", "yaml", "hi")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).startsWith("raftchat: ").contains("--output");
    }

    @Test
    void aMissingPasswordIsAUsageError() {
        // Goal: no --password, no $RAFTCHAT_PASSWORD and nothing on stdin is the caller's mistake: exit 2.
        cli.env.remove(PasswordInput.ENV);

        assertThat(cli.run("login", "--user", "alice")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("raftchat: no password given (--password, $RAFTCHAT_PASSWORD or stdin)");
    }

    @Test
    void notLoggedInExits6() {
        // Goal: no session is an auth failure (6, UNAUTHENTICATED), not a refusal, and says how to log in.
        SessionStore.from(cli.env).delete();

        assertThat(cli.run("unread")).isEqualTo(ExitCodes.AUTH);
        assertThat(cli.err()).isEqualTo("raftchat: not logged in: run 'raftchat login --user NAME' first" + System.lineSeparator());
        assertThat(cli.run("unread", "-o", "json")).isEqualTo(ExitCodes.AUTH);
        assertThat(cli.errorJson().get("error").get("code").asText()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void wrongPasswordAndARejectedSessionExit6() {
        // Goal: a wrong password and a session the cluster no longer accepts are both AUTH (6).
        cli.env.put(PasswordInput.ENV, "wrong password");
        assertThat(cli.run("login", "-o", "json", "--user", "alice")).isEqualTo(ExitCodes.AUTH);
        assertThat(cli.errorJson().get("error").get("message").asText()).isEqualTo("unknown username or wrong password");

        seedGeneral();
        cluster.nodes.forEach(n -> n.alwaysFailWrites = Status.UNAUTHENTICATED.withDescription("session expired: log in again"));
        assertThat(cli.run("send", "--room", "general", "hi")).isEqualTo(ExitCodes.AUTH);
        assertThat(cli.err()).isEqualTo("raftchat: session expired: log in again" + System.lineSeparator());
    }

    @Test
    void refusalsExit5AndSayWhich() {
        // Goal: ALREADY_EXISTS, PERMISSION_DENIED and INVALID_ARGUMENT exit 5; the JSON code tells them apart.
        seedGeneral("bob: not yours");

        assertThat(cli.run("create-room", "-o", "json", "general")).isEqualTo(ExitCodes.REJECTED);
        assertThat(cli.errorJson().get("error").get("code").asText()).isEqualTo("ALREADY_EXISTS");
        assertThat(cli.run("edit", "-o", "json", "--room", "general", "--seq", "1", "mine now")).isEqualTo(ExitCodes.REJECTED);
        assertThat(cli.errorJson().get("error").get("code").asText()).isEqualTo("PERMISSION_DENIED");
        cluster.nodes.forEach(n -> n.alwaysFailWrites = Status.INVALID_ARGUMENT.withDescription("text: over the limit"));
        assertThat(cli.run("send", "-o", "json", "--room", "general", "x")).isEqualTo(ExitCodes.REJECTED);
        assertThat(cli.errorJson().get("error").get("code").asText()).isEqualTo("INVALID_ARGUMENT");
    }

    @Test
    void anUnavailableClusterExits4() {
        // Goal: when no node can take the write within the retry budget, exit 4 (UNAVAILABLE).
        seedGeneral();
        cluster.nodes.forEach(n -> n.alwaysFailWrites = Status.UNAVAILABLE.withDescription("node going down"));

        assertThat(cli.run("send", "-o", "json", "--room", "general", "hi")).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(cli.errorJson().get("error").get("code").asText()).isEqualTo("UNAVAILABLE");
        assertThat(cli.run("status", "-o", "json", "--cluster", cluster.downAddress())).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(cli.json().get("nodes").get(0).get("up").asBoolean()).isFalse();
        assertThat(cli.errorJson().get("error").get("message").asText()).contains("no node reachable");
    }

    @Test
    void anUnexpectedFailureExits1WithoutAStackTrace() {
        // Goal: a surprise is one line (text or JSON), exit 1, never a stack trace.
        CliRunner broken = new CliRunner(addresses -> { throw new IllegalStateException("boom"); }, cli.env);

        assertThat(broken.run("rooms", "-o", "json")).isEqualTo(ExitCodes.UNEXPECTED);
        assertThat(broken.errorJson().get("error").get("code").asText()).isEqualTo("UNEXPECTED");
        assertThat(broken.errorJson().get("error").get("message").asText()).contains("boom");
        assertThat(broken.run("rooms")).isEqualTo(ExitCodes.UNEXPECTED);
        assertThat(broken.err().lines()).hasSize(1);
        assertThat(broken.err()).startsWith("raftchat: unexpected error: java.lang.IllegalStateException: boom").doesNotContain("\tat ");
    }

    @Test
    void helpListsTheExitCodes() {
        // Goal: raftchat --help documents the exit codes and the config sources, so scripts need not read the source.
        assertThat(cli.run("--help")).isZero();

        assertThat(cli.out()).contains("Exit codes:", "2   usage error", "3   not found", "4   cluster unavailable",
                "5   refused", "6   not authenticated", "--output", "RAFTCHAT_CONFIG_DIR");
    }
}
