package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.createRoom;
import static org.raftchat.node.testing.Api.post;

import com.alipay.sofa.jraft.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.config.Limits;
import org.raftchat.node.testing.TestCluster;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.MembershipRequest;
import org.raftchat.proto.v1.NodeStatus;
import org.raftchat.proto.v1.NodeStatusRequest;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;

class SnapshotIT {

    /**
     * These tests post from one session as fast as a blocking client can, which on a fast machine is
     * more than the default limit per session
     * ({@link org.raftchat.config.Defaults#MAX_REQUESTS_PER_SECOND_PER_SESSION}); the subject here is
     * snapshots, not the limiter.
     */
    private static final Limits UNTHROTTLED = Limits.defaults().withMaxRequestsPerSecondPerSession(1_000_000);

    @TempDir
    Path dataRoot;
    TestCluster cluster;

    @BeforeEach
    void startCluster(org.junit.jupiter.api.TestInfo test) {
        if (!test.getTags().contains("timed")) {
            // The timer never fires during these tests: every snapshot here is one the test asked for.
            cluster = TestCluster.start(3, dataRoot, Duration.ofHours(1), UNTHROTTLED);
        }
    }

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Tag("timed")
    void timedSnapshotsCompactTheLogAndWipedOrNewNodesCatchUpBySnapshotInstall() throws Exception {
        // Goal: with the configured interval and margin, snapshots happen on their own and the Raft log
        // really is compacted (its first index moves); then a wiped member and a brand-new node, which
        // both need entries the leader no longer has, catch up by installing the leader's snapshot and
        // end with the same state.
        cluster = TestCluster.create(4, dataRoot,
                c -> c.withSnapshots(Duration.ofSeconds(1), 100).withLimits(UNTHROTTLED)
                        .withInitialMembers(List.of("n1", "n2", "n3")));
        List.of("n1", "n2", "n3").forEach(cluster::startNode);
        RaftChatNode leader = cluster.awaitLeader();
        ChatServiceBlockingStub stub = cluster.blockingStub(leader.id());
        createRoom(stub, "lobby");
        int posted = 0;
        while (leader.firstLogIndex() <= 1 && posted < 20_000) {
            postMany(stub, posted + 1, posted + 100);
            posted += 100;
        }
        assertThat(leader.firstLogIndex()).as("first log index after %d messages", posted).isGreaterThan(1);
        NodeStatus leaderStatus = cluster.admin(leader.id()).getNodeStatus(NodeStatusRequest.getDefaultInstance());
        assertThat(leaderStatus.getFirstLogIndex()).isGreaterThan(1);
        assertThat(leaderStatus.getSnapshotIndex()).isGreaterThanOrEqualTo(leaderStatus.getFirstLogIndex() - 1);

        String wiped = cluster.followers().get(0).id();
        cluster.stopNode(wiped);
        cluster.wipeNode(wiped);
        cluster.startNode(wiped);
        cluster.startNode("n4");
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                cluster.admin(cluster.awaitLeader().id()).addNode(MembershipRequest.newBuilder().setNodeId("n4").build()), r -> true);
        postMany(stub, posted + 1, posted + 10);
        cluster.awaitConverged();

        List<ChatMessage> history = allMessages(stub, "lobby");
        for (String id : List.of(wiped, "n4")) {
            RaftChatNode caughtUp = cluster.node(id);
            assertThat(caughtUp.snapshotsInstalled()).as("snapshots installed on %s", id).isPositive();
            assertThat(caughtUp.stateDigest()).as("state of %s", id).isEqualTo(cluster.awaitLeader().stateDigest());
        }
        assertThat(allMessages(cluster.blockingStub("n4"), "lobby")).hasSize(posted + 10).isEqualTo(history);
    }

    @Test
    void aFollowerWhoseEntriesWereCompactedAwayCatchesUpBySnapshotInstall() throws Exception {
        // Goal: the leader's log no longer holds what a returning follower needs, so the follower must
        // install the leader's snapshot (a RocksDB checkpoint) and then replay the rest.
        RaftChatNode leader = cluster.awaitLeader();
        ChatServiceBlockingStub stub = cluster.blockingStub(leader.id());
        createRoom(stub, "lobby");
        RaftChatNode lagging = cluster.followers().get(0);
        String laggingId = lagging.id();
        cluster.stopNode(laggingId);

        postMany(stub, 1, 150);
        snapshot(leader);
        postMany(stub, 151, 300);
        // SOFAJRaft drops the log up to the previous snapshot when it takes the next one.
        snapshot(leader);
        postMany(stub, 301, 320);
        assertThat(snapshotsOf(laggingId)).isEmpty();

        cluster.startNode(laggingId);
        cluster.awaitConverged();

        assertThat(snapshotsOf(laggingId)).as("snapshots installed on %s", laggingId).isNotEmpty();
        List<ChatMessage> history = allMessages(stub, "lobby");
        assertThat(history).hasSize(320);
        assertThat(allMessages(cluster.blockingStub(laggingId), "lobby")).isEqualTo(history);
        assertThat(cluster.node(laggingId).stateDigest()).isEqualTo(leader.stateDigest());
    }

    @Test
    void aWholeClusterRestartKeepsEveryMessage() throws Exception {
        // Goal: stopping every node and starting them again (snapshot + log replay) loses nothing.
        ChatServiceBlockingStub stub = cluster.blockingStub(cluster.awaitLeader().id());
        createRoom(stub, "lobby");
        postMany(stub, 1, 50);
        snapshot(cluster.awaitLeader());
        postMany(stub, 51, 80);
        List<ChatMessage> before = allMessages(stub, "lobby");

        List<String> ids = cluster.runningNodes().stream().map(RaftChatNode::id).toList();
        ids.forEach(cluster::stopNode);
        ids.forEach(cluster::startNode);
        cluster.awaitLeader();
        cluster.awaitConverged();

        for (String id : ids) {
            assertThat(allMessages(cluster.blockingStub(id), "lobby")).as("history on %s", id).isEqualTo(before);
        }
    }

    private static void postMany(ChatServiceBlockingStub stub, int from, int to) {
        for (int i = from; i <= to; i++) {
            post(stub, "lobby", "message " + i);
        }
    }

    private static void snapshot(RaftChatNode node) throws Exception {
        CompletableFuture<Status> done = new CompletableFuture<>();
        node.snapshotNow(done::complete);
        Status status = done.get(30, TimeUnit.SECONDS);
        assertThat(status.isOk()).as("snapshot status %s", status).isTrue();
    }

    private List<Path> snapshotsOf(String nodeId) throws IOException {
        Path dir = dataRoot.resolve(nodeId).resolve("raft/snapshot");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("snapshot_")).toList();
        }
    }
}
