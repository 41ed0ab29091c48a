package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.ConversationRefs;
import org.raftchat.client.Subscription;
import org.raftchat.client.SubscriptionListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.proto.v1.ChatMessage;
import picocli.CommandLine;

/** Topic, invite-only rooms, kick, ban, unban, away and search through the raftchat command on a real 3-node cluster. */
class ModerationCliIT {

    @TempDir
    Path dataRoot;
    TestCluster cluster;
    String allNodes;
    String follower;
    StringWriter out;
    StringWriter err;
    String sessionFile = "no-session";
    static final String PASSWORD = "correct horse battery";

    @BeforeEach
    void startCluster() {
        cluster = TestCluster.start(3, dataRoot);
        allNodes = String.join(",", cluster.config().apiAddresses());
        follower = cluster.apiAddress(cluster.followers().get(0).id());
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void theOwnerModeratesAndOnlyThoseWhoMayReadTheRoomSearchIt() throws Exception {
        // Goal: every moderation step is replicated (a follower answers reads with it at once), refusals are clear
        // PERMISSION_DENIED errors that change nothing, and search follows the same read rules.
        loginAs("carol");
        loginAs("bob");
        loginAs("ann");
        assertThat(run("create-room", "ops", "--invite-only")).as(err.toString()).isZero();
        assertThat(run("topic", "ops", "deploys", "and", "incidents")).isZero();
        assertThat(out.toString()).contains("topic of #ops: deploys and incidents");
        for (String text : List.of("Deploy at noon", "lunch?", "the deploy failed", "oops")) {
            assertThat(run("send", "--room", "ops", text)).isZero();
        }
        assertThat(run("delete", "--room", "ops", "--seq", "4")).isZero();

        // Not invited: refused, and cannot read, search or see the topic.
        as("bob");
        assertThat(run("join", "ops", "-o", "json")).isEqualTo(ExitCodes.REJECTED);
        assertThat(errorCode()).isEqualTo("PERMISSION_DENIED");
        assertThat(err.toString()).contains("invite-only").contains("not invited");
        assertThat(run("search", "ops", "deploy", "--cluster", follower)).isEqualTo(ExitCodes.REJECTED);
        assertThat(run("history", "--room", "ops", "--cluster", follower)).isEqualTo(ExitCodes.REJECTED);
        assertThat(run("rooms", "--cluster", follower)).isZero();
        assertThat(out.toString()).contains("#ops (invite-only)").doesNotContain("deploys and incidents");
        assertThat(run("topic", "ops", "mine")).as("only the owner sets the topic").isEqualTo(ExitCodes.REJECTED);

        // Invited: joins, sees the topic, searches (case-insensitive, newest first, paged).
        as("ann");
        assertThat(run("invite", "ops", "bob")).isZero();
        as("bob");
        assertThat(run("join", "ops")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("topic: deploys and incidents");
        assertThat(run("search", "ops", "DEPLOY", "--limit", "1", "--cluster", follower)).as(err.toString()).isZero();
        assertThat(lines()).containsExactly("[3] ann: the deploy failed", "(more: --before 3)");
        assertThat(run("search", "ops", "deploy", "--before", "3", "--cluster", follower)).isZero();
        assertThat(lines()).containsExactly("[1] ann: Deploy at noon");
        assertThat(run("search", "ops", "oops", "--cluster", follower)).as("deleted messages never match").isZero();
        assertThat(out.toString()).isEmpty();

        // Away shows in who.
        assertThat(run("away", "at", "lunch")).isZero();
        assertThat(run("who", "ops", "--cluster", follower)).isZero();
        assertThat(out.toString().lines().toList()).contains("bob\taway: at lunch");
        assertThat(run("away")).isZero();
        assertThat(run("who", "ops", "--cluster", follower)).isZero();
        assertThat(out.toString()).doesNotContain("away");

        // A ban ends bob's live subscription and keeps him out until unbanned.
        CopyOnWriteArrayList<ChatMessage> seen = new CopyOnWriteArrayList<>();
        AtomicReference<ChatClientException> ended = new AtomicReference<>();
        try (ChatClient bob = new ChatClient(List.of(follower))) {
            bob.login("bob", PASSWORD, "tail");
            try (Subscription tail = bob.subscribe(ConversationRefs.room("ops"), 0, new SubscriptionListener() {
                @Override
                public void onMessage(ChatMessage message) {
                    seen.add(message);
                }

                @Override
                public void onError(ChatClientException error) {
                    ended.set(error);
                }
            })) {
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 5);
                as("ann");
                assertThat(run("ban", "ops", "bob")).as(err.toString()).isZero();
                assertThat(out.toString()).contains("banned bob in #ops (not a member, banned)");
                await().atMost(Duration.ofSeconds(10)).until(() -> ended.get() != null);
                assertThat(ended.get().category()).isEqualTo(ChatClientException.Category.PERMISSION_DENIED);
                assertThat(ended.get().getMessage()).contains("banned");
            }
        }
        as("bob");
        assertThat(run("send", "--room", "ops", "let me in")).isEqualTo(ExitCodes.REJECTED);
        assertThat(run("search", "ops", "deploy", "--cluster", follower)).isEqualTo(ExitCodes.REJECTED);
        assertThat(err.toString()).contains("banned");
        assertThat(run("join", "ops", "-o", "json")).isEqualTo(ExitCodes.REJECTED);
        assertThat(errorCode()).isEqualTo("PERMISSION_DENIED");
        assertThat(err.toString()).contains("banned");

        // Unban alone does not readmit to an invite-only room; an invitation does. A kick withdraws it again.
        as("ann");
        assertThat(run("unban", "ops", "bob")).isZero();
        as("bob");
        assertThat(run("join", "ops")).isEqualTo(ExitCodes.REJECTED);
        as("ann");
        assertThat(run("invite", "ops", "bob")).isZero();
        as("bob");
        assertThat(run("join", "ops")).isZero();
        as("ann");
        assertThat(run("kick", "ops", "bob")).isZero();
        assertThat(run("who", "ops", "--cluster", follower)).isZero();
        assertThat(out.toString().lines().toList()).containsExactly("ann");
        as("bob");
        assertThat(run("join", "ops")).as("a kick withdraws the invitation").isEqualTo(ExitCodes.REJECTED);

        // Opened up, anyone may join; a non-owner cannot moderate.
        as("ann");
        assertThat(run("invite-only", "ops", "off")).isZero();
        as("carol");
        assertThat(run("join", "ops")).isZero();
        assertThat(run("kick", "ops", "ann", "-o", "json")).isEqualTo(ExitCodes.REJECTED);
        assertThat(errorCode()).isEqualTo("PERMISSION_DENIED");
        assertThat(err.toString()).contains("only the owner (ann)");
        as("ann");
        assertThat(run("ban", "ops", "ann", "-o", "json")).as("the owner is never the target").isEqualTo(ExitCodes.REJECTED);
        assertThat(errorCode()).isEqualTo("REJECTED");
        assertThat(err.toString()).contains("cannot ban themselves");
        assertThat(run("topic", "ops", "bad\u0007topic", "-o", "json")).isEqualTo(ExitCodes.REJECTED);
        assertThat(errorCode()).isEqualTo("INVALID_ARGUMENT");
        assertThat(run("rooms", "--cluster", follower)).isZero();
        assertThat(out.toString()).contains("deploys and incidents");
    }

    private String errorCode() throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(err.toString()).get("error").get("code").asText();
    }

        private List<String> lines() {
        return out.toString().lines().map(l -> l.replaceAll(" \\d\\d:\\d\\d:\\d\\d", "")).toList();
    }

    private void as(String user) {
        sessionFile = dataRoot.resolve("session-" + user).toString();
    }

    /** Registers and logs in through the CLI; later runs go as this user. */
    private void loginAs(String user) {
        as(user);
        run("register", "--user", user);
        assertThat(run("login", "--user", user)).as(err.toString()).isZero();
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        Map<String, String> env = Map.of(SessionStore.ENV, sessionFile, PasswordInput.ENV, PASSWORD,
                UserConfig.ENV_CONFIG_DIR, dataRoot.resolve("config").toString());
        CliContext context = new CliContext(ClientFactory.defaults(), env, new ByteArrayInputStream(new byte[0]), ZoneOffset.UTC);
        CommandLine cli = RaftChatCli.newCommandLine(new RaftChatCli(context));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] withCluster = java.util.Arrays.asList(args).contains("--cluster") ? args
                : java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--cluster", allNodes))
                        .toArray(String[]::new);
        return cli.execute(withCluster);
    }
}
