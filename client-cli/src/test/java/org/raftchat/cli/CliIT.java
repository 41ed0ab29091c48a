package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import org.raftchat.client.HistoryAnchor;
import org.raftchat.client.Subscription;
import org.raftchat.client.SubscriptionListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.RaftChatNode;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import picocli.CommandLine;

/** The raftchat command and its client against a real 3-node cluster. */
class CliIT {

    @TempDir
    Path dataRoot;
    TestCluster cluster;
    String allNodes;
    StringWriter out;
    StringWriter err;
    String sessionFile = "no-session";
    static final String PASSWORD = "correct horse battery";

    @BeforeEach
    void startCluster() {
        cluster = TestCluster.start(3, dataRoot);
        allNodes = String.join(",", cluster.config().apiAddresses());
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void sendThenReadTheHistoryFromAFollowerOnly() {
        // Goal: the one-shot commands work end to end; a follower alone answers history with every message.
        String follower = cluster.apiAddress(cluster.followers().get(0).id());

        loginAs("ann");
        assertThat(run("create-room", "lobby", "--cluster", allNodes)).isZero();
        for (String text : List.of("one", "two", "three")) {
            assertThat(run("send", "--room", "lobby", "--cluster", allNodes, text)).isZero();
        }
        assertThat(out.toString()).contains("#lobby seq=3");

        assertThat(run("history", "--room", "lobby", "--cluster", follower)).isZero();
        assertThat(out.toString().lines().toList()).hasSize(3)
                .satisfiesExactly(
                        l -> assertThat(l).startsWith("[1]").endsWith("ann: one"),
                        l -> assertThat(l).startsWith("[2]").endsWith("ann: two"),
                        l -> assertThat(l).startsWith("[3]").endsWith("ann: three"));
    }

    @Test
    void sendAndHistoryAsJsonForScripts() throws Exception {
        // Goal: on a real cluster, send -o json prints the stored message and history -o json the page, both parseable;
        // a failure prints a JSON error and its exit code.
        ObjectMapper json = new ObjectMapper();
        loginAs("ann");
        assertThat(run("create-room", "lobby", "--cluster", allNodes)).isZero();

        assertThat(run("send", "--room", "lobby", "--cluster", allNodes, "-o", "json", "hello", "json")).as(err.toString()).isZero();
        JsonNode sent = json.readTree(out.toString());
        assertThat(sent.get("conversation").asText()).isEqualTo("#lobby");
        assertThat(sent.get("seq").asLong()).isEqualTo(1);
        assertThat(sent.get("author").asText()).isEqualTo("ann");
        assertThat(sent.get("logIndex").asLong()).isPositive();
        assertThat(run("send", "--room", "lobby", "--cluster", allNodes, "-o", "json", "second")).isZero();

        String follower = cluster.apiAddress(cluster.followers().get(0).id());
        assertThat(run("history", "--room", "lobby", "--cluster", follower, "--output", "json")).isZero();
        assertThat(out.toString().lines()).hasSize(1);
        JsonNode page = json.readTree(out.toString());
        assertThat(page.get("lastSeq").asLong()).isEqualTo(2);
        assertThat(page.get("messages")).extracting(m -> m.get("text").asText()).containsExactly("hello json", "second");
        assertThat(page.get("messages").get(0).get("timestampMs").asLong())
                .isLessThanOrEqualTo(page.get("messages").get(1).get("timestampMs").asLong());

        assertThat(run("history", "--room", "nowhere", "--cluster", allNodes, "-o", "json")).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(out.toString()).isEmpty();
        assertThat(json.readTree(err.toString()).get("error").get("code").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aClientGivenOnlyFollowersFirstFindsTheLeader() {
        // Goal: the address list's order does not matter; the client follows the leader hint.
        List<String> followersFirst = new ArrayList<>(cluster.followers().stream().map(n -> cluster.apiAddress(n.id())).toList());
        followersFirst.add(cluster.apiAddress(cluster.awaitLeader().id()));

        loginAs("bob");
        loginAs("ann");
        assertThat(run("create-room", "lobby", "--cluster", String.join(",", followersFirst))).isZero();
        assertThat(run("dm", "--to", "bob", "--cluster", String.join(",", followersFirst), "hi")).isZero();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void badInputExitsNonZeroWithAClearMessageAndStoresNothing() {
        // Goal: unknown rooms and oversized messages are refused with distinct exit codes; nothing is stored.
        loginAs("ann");
        assertThat(run("create-room", "lobby", "--cluster", allNodes)).isZero();

        assertThat(run("send", "--room", "nowhere", "--cluster", allNodes, "hi")).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(err.toString()).contains("room 'nowhere' does not exist");
        assertThat(run("send", "--room", "lobby", "--cluster", allNodes, "x".repeat(5000))).isEqualTo(ExitCodes.REJECTED);
        assertThat(err.toString()).contains("over the limit");
        assertThat(run("history", "--room", "lobby", "--cluster", allNodes)).isZero();
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void writesThroughALeaderFailureAreEachStoredOnce() throws Exception {
        // Goal: the product client keeps writing across a leader loss; every acknowledged message is stored once.
        try (ChatClient client = new ChatClient(cluster.config().apiAddresses())) {
            client.register("ann", PASSWORD);
            client.login("ann", PASSWORD, "test");
            client.createRoom("lobby", "");
            List<ChatMessage> acked = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                acked.add(client.postRoomMessage("lobby", "before " + i));
            }
            cluster.stopNode(cluster.awaitLeader().id());
            for (int i = 1; i <= 20; i++) {
                acked.add(client.postRoomMessage("lobby", "after " + i));
            }

            List<ChatMessage> history = client.readHistory(room("lobby"), HistoryAnchor.after(0), 1000).getMessagesList();
            assertThat(history).containsExactlyElementsOf(acked);
        }
    }

    @Test
    void aSubscriptionSurvivesTheLossOfItsNodeWithoutGapOrDuplicate() throws Exception {
        // Goal: tail keeps going when the node serving it stops: it resumes elsewhere from the last seq shown.
        RaftChatNode served = cluster.followers().get(0);
        List<String> servedFirst = new ArrayList<>(List.of(cluster.apiAddress(served.id())));
        cluster.config().apiAddresses().stream().filter(a -> !servedFirst.contains(a)).forEach(servedFirst::add);
        try (ChatClient writer = new ChatClient(cluster.config().apiAddresses());
             ChatClient reader = new ChatClient(servedFirst)) {
            writer.register("ann", PASSWORD);
            reader.useSession(writer.login("ann", PASSWORD, "test").getToken());
            writer.createRoom("lobby", "");
            List<ChatMessage> received = new CopyOnWriteArrayList<>();
            try (Subscription sub = reader.subscribe(room("lobby"), 0, new SubscriptionListener() {
                @Override
                public void onMessage(ChatMessage message) {
                    received.add(message);
                }
            })) {
                for (int i = 1; i <= 25; i++) {
                    writer.postRoomMessage("lobby", "m" + i);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 25);
                cluster.stopNode(served.id());
                for (int i = 26; i <= 50; i++) {
                    writer.postRoomMessage("lobby", "m" + i);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 50);
            }
            assertThat(received).extracting(ChatMessage::getSeq).containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
        }
    }

    @Test
    void everyChatFeatureWorksThroughTheCli() {
        // Goal: accounts, rooms, membership, private chat, unread/read and nicknames, each through its subcommand.
        loginAs("bob");
        loginAs("ann");
        assertThat(run("create-room", "rust", "--description", "Crabs welcome", "--cluster", allNodes)).isZero();
        assertThat(run("rooms", "--cluster", allNodes)).isZero();
        assertThat(out.toString()).contains("#MainHall\t2 members\towner system").contains("#rust\t1 members\towner ann\tCrabs welcome");
        assertThat(run("send", "--room", "rust", "--cluster", allNodes, "hello crabs")).isZero();
        assertThat(run("dm", "--to", "bob", "--cluster", allNodes, "psst")).isZero();
        assertThat(run("nick", "Annie", "--cluster", allNodes)).isZero();
        assertThat(run("friends", "add", "bob", "--cluster", allNodes)).isZero();
        assertThat(run("friends", "add", "nobody", "--cluster", allNodes)).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run("friends", "--cluster", allNodes)).isZero();
        assertThat(out.toString().lines().toList()).containsExactly("bob\tonline");
        assertThat(run("online", "--cluster", allNodes)).isZero();
        assertThat(out.toString().lines().toList()).containsExactly("ann", "bob");

        sessionFile = dataRoot.resolve("session-bob").toString();
        assertThat(run("send", "--room", "rust", "--cluster", allNodes, "let me in")).isEqualTo(ExitCodes.REJECTED);
        assertThat(err.toString()).contains("not a member");
        assertThat(run("nick", "Annie", "--cluster", allNodes)).isEqualTo(ExitCodes.REJECTED);
        assertThat(run("join", "rust", "--cluster", allNodes)).isZero();
        assertThat(run("who", "rust", "--cluster", allNodes)).isZero();
        assertThat(out.toString().lines().toList()).containsExactly("ann", "bob");
        assertThat(run("unread", "--cluster", allNodes)).isZero();
        assertThat(out.toString()).contains("#rust 1 unread (after seq 0)").contains("@ann,bob 1 unread (after seq 0)");
        assertThat(run("read", "--dm", "ann,bob", "--cluster", allNodes)).isZero();
        assertThat(out.toString()).endsWith("ann: psst" + System.lineSeparator());
        assertThat(run("read", "--dm", "bob,ann", "--cluster", allNodes)).isZero();
        assertThat(out.toString()).contains("nothing unread");
        assertThat(run("delete-room", "rust", "--cluster", allNodes)).isEqualTo(ExitCodes.REJECTED);
        assertThat(run("delete", "--room", "rust", "--seq", "1", "--cluster", allNodes)).isEqualTo(ExitCodes.REJECTED);
        assertThat(err.toString()).contains("only its author (ann)");
        assertThat(run("leave", "rust", "--cluster", allNodes)).isZero();
        assertThat(run("logout", "--cluster", allNodes)).isZero();
        assertThat(run("unread", "--cluster", allNodes)).isEqualTo(ExitCodes.AUTH);
        assertThat(err.toString()).contains("not logged in");

        sessionFile = dataRoot.resolve("session-ann").toString();
        assertThat(run("edit", "--room", "rust", "--seq", "1", "--cluster", allNodes, "hello, crabs")).isZero();
        assertThat(run("send", "--room", "rust", "--cluster", allNodes, "oops")).isZero();
        assertThat(run("delete", "--room", "rust", "--seq", "3", "--cluster", allNodes)).isZero();
        assertThat(run("history", "--room", "rust", "--cluster", allNodes)).isZero();
        assertThat(out.toString().lines().map(l -> l.substring(l.indexOf(' ', l.indexOf(' ') + 1) + 1)).toList()).containsExactly(
                "ann: hello, crabs (edited)", "ann: edited [1]: hello, crabs", "ann: (deleted)", "ann: deleted [3]");
        assertThat(run("delete-room", "rust", "--cluster", allNodes)).isZero();
        assertThat(run("history", "--room", "MainHall", "--cluster", allNodes)).isZero();
        assertThat(out.toString()).contains("system: room #rust was deleted by its owner ann");
    }

    @Test
    void workQueueRoomsThroughTheCli() {
        // Goal: a consumer holds at most its prefetch; the rest wait for the first consumer with room; a
        // nacked message goes to another consumer; unacked ones come back after the ack timeout and go to
        // the owner's dead-letter room after the last delivery; a running worker gets new work pushed.
        loginAs("bob");
        loginAs("ann");
        assertThat(run("create-room", "jobs", "--queue", "--ack-timeout", "6", "--max-deliveries", "2", "--cluster", allNodes)).isZero();
        assertThat(out.toString()).contains("created work-queue room #jobs (dead letters go to #jobs.dlq)");
        assertThat(run("create-room", "plain", "--max-deliveries", "2", "--cluster", allNodes)).isEqualTo(ExitCodes.USAGE);
        assertThat(run("rooms", "--cluster", allNodes)).isZero();
        assertThat(out.toString()).contains("#jobs (queue)\t1 members\towner ann").contains("#jobs.dlq\t1 members\towner ann");
        assertThat(run("queue", "start", "jobs", "--prefetch", "1", "--cluster", allNodes)).isZero();
        sessionFile = dataRoot.resolve("session-bob").toString();
        assertThat(run("queue", "start", "jobs", "--cluster", allNodes)).as("not a member yet").isEqualTo(ExitCodes.REJECTED);
        assertThat(run("join", "jobs", "--cluster", allNodes)).isZero();
        assertThat(run("queue", "start", "jobs", "--prefetch", "2", "--cluster", allNodes)).isZero();
        assertThat(out.toString()).contains("consuming #jobs (2 consumers)");
        for (int i = 1; i <= 4; i++) {
            assertThat(run("send", "--room", "jobs", "--cluster", allNodes, "job " + i)).isZero();
        }
        // ann holds job 1 (prefetch 1), bob jobs 2 and 3 (prefetch 2); job 4 waits for room.
        assertThat(run("queue", "receive", "jobs", "--cluster", allNodes)).isZero();
        assertThat(lines()).containsExactly("[2] bob: job 2", "[3] bob: job 3");
        assertThat(run("queue", "status", "jobs", "--cluster", allNodes)).isZero();
        assertThat(out.toString().lines().toList()).containsExactly(
                "#jobs: 2 consumers, 1 waiting for a consumer with room; ack timeout 6 s, at most 2 deliveries, then #jobs.dlq",
                "  ann (cli)\t1 in flight of 1", "  bob (cli)\t2 in flight of 2");
        // bob hands job 2 back: it waits for ann (not bob again), and job 4 takes its place with bob.
        assertThat(run("queue", "nack", "jobs", "2", "--cluster", allNodes)).isZero();
        assertThat(out.toString()).contains("handed back #jobs seq=2");
        assertThat(run("queue", "receive", "jobs", "--cluster", allNodes)).isZero();
        assertThat(lines()).containsExactly("[3] bob: job 3", "[4] bob: job 4");

        sessionFile = dataRoot.resolve("session-ann").toString();
        assertThat(run("queue", "consume", "jobs", "--count", "2", "--cluster", allNodes)).isZero();
        assertThat(lines()).containsExactly("[1] bob: job 1", "[2] bob: job 2  (delivery 2)");
        // bob never acks jobs 3 and 4: after the timeout they come back to him (the only consumer left),
        // and after the second they go to the dead-letter room, which only ann (the owner) reads.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            run("queue", "dead-letters", "jobs", "--cluster", allNodes);
            return out.toString().contains("job 3") && out.toString().contains("job 4");
        });
        assertThat(lines()).containsExactlyInAnyOrder("[1] bob: job 3  (was #jobs seq 3)", "[2] bob: job 4  (was #jobs seq 4)");
        assertThat(run("queue", "status", "jobs", "-o", "json", "--cluster", allNodes)).isZero();
        assertThat(out.toString()).contains("\"waiting\":0").contains("\"deadLetterRoom\":\"jobs.dlq\"");
        sessionFile = dataRoot.resolve("session-bob").toString();
        assertThat(run("queue", "dead-letters", "jobs", "--cluster", allNodes)).isNotZero();
        assertThat(run("queue", "ack", "jobs", "3", "--cluster", allNodes)).isEqualTo(ExitCodes.REJECTED);
        assertThat(err.toString()).contains("not waiting for an acknowledgement");
        assertThat(run("queue", "stop", "jobs", "--cluster", allNodes)).isZero();
        assertThat(run("queue", "status", "MainHall", "--cluster", allNodes)).isEqualTo(ExitCodes.REJECTED);
        assertThat(err.toString()).contains("not a work queue");
        assertThat(run("queue", "frobnicate", "jobs", "--cluster", allNodes)).isEqualTo(ExitCodes.USAGE);

        // A running worker gets what is posted while it waits, pushed on its stream.
        StringWriter workerOut = new StringWriter();
        String annSession = dataRoot.resolve("session-ann").toString();
        java.util.concurrent.CompletableFuture<Integer> worker = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> runInto(workerOut, new StringWriter(), annSession, "queue", "consume", "jobs", "--count", "2", "--cluster", allNodes));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            run("queue", "status", "jobs", "--cluster", allNodes);
            return out.toString().contains("1 consumers");
        });
        assertThat(run("send", "--room", "jobs", "--cluster", allNodes, "job 5")).isZero();
        assertThat(run("send", "--room", "jobs", "--cluster", allNodes, "job 6")).isZero();
        assertThat(worker.join()).isZero();
        assertThat(workerOut.toString().lines().map(l -> l.replaceAll(" \\d\\d:\\d\\d:\\d\\d", "")).toList())
                .containsExactly("[5] bob: job 5", "[6] bob: job 6");
    }

    /** What the last command printed, line by line, without the times. */
    private List<String> lines() {
        return out.toString().lines().map(l -> l.replaceAll(" \\d\\d:\\d\\d:\\d\\d", "")).toList();
    }

    private static ConversationRef room(String name) {
        return ConversationRef.newBuilder().setRoom(name).build();
    }

    /** Registers (if new) and logs in through the CLI; later runs go as this user. */
    private void loginAs(String user) {
        sessionFile = dataRoot.resolve("session-" + user).toString();
        run("register", "--user", user, "--cluster", allNodes);
        assertThat(run("login", "--user", user, "--cluster", allNodes)).as(err.toString()).isZero();
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return runInto(out, err, sessionFile, args);
    }

    /** Runs raftchat as the session in {@code session}, printing into the given writers (safe from another thread). */
    private int runInto(StringWriter out, StringWriter err, String sessionFile, String... args) {
        Map<String, String> env = Map.of(SessionStore.ENV, sessionFile, PasswordInput.ENV, PASSWORD,
                UserConfig.ENV_CONFIG_DIR, dataRoot.resolve("config").toString());
        CliContext context = new CliContext(ClientFactory.defaults(), env, new ByteArrayInputStream(new byte[0]), ZoneOffset.UTC);
        CommandLine cli = RaftChatCli.newCommandLine(new RaftChatCli(context));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
