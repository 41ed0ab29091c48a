package org.raftchat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

        assertThat(run("create-room", "lobby", "--user", "ann", "--cluster", allNodes)).isZero();
        for (String text : List.of("one", "two", "three")) {
            assertThat(run("send", "--room", "lobby", "--user", "ann", "--cluster", allNodes, text)).isZero();
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
    void aClientGivenOnlyFollowersFirstFindsTheLeader() {
        // Goal: the address list's order does not matter; the client follows the leader hint.
        List<String> followersFirst = new ArrayList<>(cluster.followers().stream().map(n -> cluster.apiAddress(n.id())).toList());
        followersFirst.add(cluster.apiAddress(cluster.awaitLeader().id()));

        assertThat(run("create-room", "lobby", "--user", "ann", "--cluster", String.join(",", followersFirst))).isZero();
        assertThat(run("dm", "--from", "ann", "--to", "bob", "--cluster", String.join(",", followersFirst), "hi")).isZero();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void badInputExitsNonZeroWithAClearMessageAndStoresNothing() {
        // Goal: unknown rooms and oversized messages are refused with distinct exit codes; nothing is stored.
        assertThat(run("create-room", "lobby", "--user", "ann", "--cluster", allNodes)).isZero();

        assertThat(run("send", "--room", "nowhere", "--user", "ann", "--cluster", allNodes, "hi")).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(err.toString()).contains("room 'nowhere' does not exist");
        assertThat(run("send", "--room", "lobby", "--user", "ann", "--cluster", allNodes, "x".repeat(5000))).isEqualTo(ExitCodes.REJECTED);
        assertThat(err.toString()).contains("over the limit");
        assertThat(run("history", "--room", "lobby", "--cluster", allNodes)).isZero();
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void writesThroughALeaderFailureAreEachStoredOnce() throws Exception {
        // Goal: the product client keeps writing across a leader loss; every acknowledged message is stored once.
        try (ChatClient client = new ChatClient(cluster.config().apiAddresses())) {
            client.createRoom("lobby", "ann");
            List<ChatMessage> acked = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                acked.add(client.postRoomMessage("lobby", "ann", "before " + i));
            }
            cluster.stopNode(cluster.awaitLeader().id());
            for (int i = 1; i <= 20; i++) {
                acked.add(client.postRoomMessage("lobby", "ann", "after " + i));
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
            writer.createRoom("lobby", "ann");
            List<ChatMessage> received = new CopyOnWriteArrayList<>();
            try (Subscription sub = reader.subscribe(room("lobby"), 0, new SubscriptionListener() {
                @Override
                public void onMessage(ChatMessage message) {
                    received.add(message);
                }
            })) {
                for (int i = 1; i <= 25; i++) {
                    writer.postRoomMessage("lobby", "ann", "m" + i);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 25);
                cluster.stopNode(served.id());
                for (int i = 26; i <= 50; i++) {
                    writer.postRoomMessage("lobby", "ann", "m" + i);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 50);
            }
            assertThat(received).extracting(ChatMessage::getSeq).containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
        }
    }

    private static ConversationRef room(String name) {
        return ConversationRef.newBuilder().setRoom(name).build();
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CliContext context = new CliContext(ClientFactory.defaults(), Map.of(), new ByteArrayInputStream(new byte[0]), ZoneOffset.UTC);
        CommandLine cli = RaftChatCli.newCommandLine(new RaftChatCli(context));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
