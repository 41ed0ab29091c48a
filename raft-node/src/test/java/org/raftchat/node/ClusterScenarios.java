package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.code;
import static org.raftchat.node.testing.Api.createRoom;
import static org.raftchat.node.testing.Api.post;
import static org.raftchat.node.testing.Api.room;

import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.testing.StreamRecorder;
import org.raftchat.node.testing.Api;
import org.raftchat.node.testing.BackgroundWriter;
import org.raftchat.node.testing.ClusterUnderTest;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.ClusterStatusRequest;
import org.raftchat.proto.v1.ClusterStatusResponse;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.NodeStatus;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.SubscribeRequest;

/**
 * End-to-end scenarios that must hold on any 3-node cluster, whatever runs its nodes: a subclass says how
 * to start one (in this JVM, or as real {@code NodeMain} processes) and inherits every scenario.
 *
 * <p>One cluster serves all the scenarios of a subclass (a process cluster takes seconds to start), so each
 * scenario works in a room and with users of its own, and leaves every node running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClusterScenarios {

    ClusterUnderTest cluster;

    /** Starts three nodes with their data under {@code dir}; the suite waits for a leader. */
    abstract ClusterUnderTest startCluster(Path dir) throws Exception;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        cluster = startCluster(dir);
        cluster.awaitLeaderId();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void postsOnTheLeaderReadBackIdenticallyFromEveryFollower() {
        // Goal: one total order; every replica answers a linearizable read with the leader's history.
        ChatServiceBlockingStub leader = cluster.blockingStub(cluster.awaitLeaderId());
        createRoom(leader, "replicated");
        List<ChatMessage> acked = IntStream.rangeClosed(1, 40).mapToObj(i -> post(leader, "replicated", "hello " + i)).toList();

        assertThat(acked).extracting(ChatMessage::getSeq).containsExactlyElementsOf(IntStream.rangeClosed(1, 40).mapToObj(i -> (long) i).toList());
        assertThat(acked).extracting(ChatMessage::getTimestampMs).isSorted();
        for (String follower : cluster.followerIds()) {
            assertThat(allMessages(cluster.blockingStub(follower), "replicated")).containsExactlyElementsOf(acked);
        }
        cluster.awaitConverged();
        assertEveryReplicaHoldsTheSameState();
    }

    @Test
    void aRetriedWriteIsStoredOnceAndAnswersWithTheOriginalMessage() {
        // Goal: a client that lost an answer and retries with the same idempotency key does not store twice.
        ChatServiceBlockingStub leader = cluster.blockingStub(cluster.awaitLeaderId());
        createRoom(leader, "retried");
        ChatMessage first = post(leader, "retried", "only once", "key-1");
        ChatMessage retry = post(leader, "retried", "only once", "key-1");

        assertThat(retry).isEqualTo(first);
        assertThat(allMessages(leader, "retried")).containsExactly(first);
    }

    @Test
    void aSubscriberOnAFollowerGetsEachMessagePostedOnTheLeaderInOrder() {
        // Goal: a stream opened on a follower before anything is posted delivers every message posted on the
        // leader afterwards, once each, in seq order, as the follower applies them.
        ChatServiceBlockingStub leader = cluster.blockingStub(cluster.awaitLeaderId());
        createRoom(leader, "streamed");
        StreamRecorder subscriber = new StreamRecorder();
        cluster.asyncStub(cluster.followerIds().get(0)).subscribe(
                SubscribeRequest.newBuilder().setConversation(room("streamed")).build(), subscriber);
        List<ChatMessage> posted = IntStream.rangeClosed(1, 10).mapToObj(i -> post(leader, "streamed", "live " + i)).toList();

        await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.messages.size() >= posted.size() || subscriber.error.get() != null);
        assertThat(subscriber.error.get()).isNull();
        assertThat(subscriber.messages).containsExactlyElementsOf(posted);
    }

    @Test
    void whoIsNotAMemberCannotReadAnInviteOnlyRoomOrJoinIt() {
        // Goal: on a follower as on the leader, a user who is neither the owner nor invited gets PERMISSION_DENIED
        // for the history, the stream and a join of an invite-only room, and changes nothing; its owner reads it.
        TestSession owner = new TestSession(cluster, "scenario-owner");
        TestSession outsider = new TestSession(cluster, "scenario-outsider");
        String leaderId = cluster.awaitLeaderId();
        ChatServiceBlockingStub ownerOnLeader = cluster.blockingStub(leaderId).withCallCredentials(owner);
        ownerOnLeader.createRoom(CreateRoomRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
                .setRoom("closed").setInviteOnly(true).build());
        ChatMessage secret = post(ownerOnLeader, "closed", "for members only");

        Throwable join = catchThrowable(() -> Api.join(cluster.blockingStub(leaderId).withCallCredentials(outsider), "closed"));
        assertThat(code(join)).isEqualTo(Status.Code.PERMISSION_DENIED);
        for (String id : List.of(leaderId, cluster.followerIds().get(0))) {
            ChatServiceBlockingStub outsiderStub = cluster.blockingStub(id).withCallCredentials(outsider);
            Throwable read = catchThrowable(() -> outsiderStub.readHistory(
                    ReadHistoryRequest.newBuilder().setConversation(room("closed")).build()));
            assertThat(code(read)).as("read on %s", id).isEqualTo(Status.Code.PERMISSION_DENIED);
            StreamRecorder stream = new StreamRecorder();
            cluster.asyncStub(id).withCallCredentials(outsider).subscribe(
                    SubscribeRequest.newBuilder().setConversation(room("closed")).build(), stream);
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.error.get() != null);
            assertThat(code(stream.error.get())).as("stream on %s", id).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(stream.messages).isEmpty();
        }
        assertThat(allMessages(cluster.blockingStub(cluster.followerIds().get(0)).withCallCredentials(owner), "closed"))
                .containsExactly(secret);
    }

    @Test
    void losingTheLeaderWhileClientsWriteLosesNoAcknowledgedMessageAndItCatchesUpWhenBack() throws Exception {
        // Goal: while clients write, the leader is lost (in this JVM stopped, as a process killed with SIGKILL);
        // a new leader takes over, writes resume, every acknowledged message is stored exactly once, and the
        // old leader, started again on its data, catches up: every replica then holds the same history and state.
        String oldLeader = cluster.awaitLeaderId();
        createRoom(cluster.blockingStub(oldLeader), "failover");
        BackgroundWriter writer = BackgroundWriter.start(cluster, "failover", 2);
        writer.awaitMoreAcks(50);
        cluster.loseNode(oldLeader);
        writer.awaitMoreAcks(50);
        writer.stop();
        String newLeader = cluster.awaitLeaderId();

        assertThat(newLeader).isNotEqualTo(oldLeader);
        List<ChatMessage> history = allMessages(cluster.blockingStub(newLeader), "failover");
        writer.assertHoldsEveryAckOnce(history);
        cluster.startNode(oldLeader);
        cluster.awaitConverged();
        for (String id : List.of("n1", "n2", "n3")) {
            assertThat(allMessages(cluster.blockingStub(id), "failover")).as("history on %s", id).isEqualTo(history);
        }
        assertEveryReplicaHoldsTheSameState();
    }

    /** Once every node is up at one applied index (nothing is being written), their state digests are equal. */
    private void assertEveryReplicaHoldsTheSameState() {
        ClusterStatusResponse status = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
                () -> cluster.admin(cluster.awaitLeaderId()).clusterStatus(ClusterStatusRequest.newBuilder().setIncludeDigest(true).build()),
                s -> s.getNodesList().stream().allMatch(NodeStatus::getUp)
                        && s.getNodesList().stream().map(NodeStatus::getAppliedIndex).distinct().count() == 1);
        assertThat(status.getNodesList()).hasSize(3);
        assertThat(status.getNodesList()).extracting(NodeStatus::getStateDigest).doesNotContain("")
                .containsOnly(status.getNodes(0).getStateDigest());
    }
}
