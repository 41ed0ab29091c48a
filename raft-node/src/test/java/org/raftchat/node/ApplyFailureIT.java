package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.Task;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.EditMessage;
import org.raftchat.proto.v1.NodeStatus;
import org.raftchat.proto.v1.NodeStatusRequest;
import org.slf4j.LoggerFactory;

/**
 * A committed entry that apply throws on (a bug, not a corrupt entry) stops every replica that
 * applies it, since every replica applies the same entry with the same code, and each stops visibly:
 * health NOT_SERVING, role STATE_ERROR, the apply-failure metric, one error line naming the entry,
 * and an applied index that stays before the entry. The entry is an edit naming no conversation, put into the log through
 * SOFAJRaft directly: the gRPC API's validation never proposes it.
 */
class ApplyFailureIT {

    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3);
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ListAppender<ILoggingEvent> logLines = new ListAppender<>();

    @BeforeEach
    void captureFsmLog() {
        logLines.start();
        ((Logger) LoggerFactory.getLogger(ChatFsm.class)).addAppender(logLines);
    }

    @AfterEach
    void releaseFsmLog() {
        ((Logger) LoggerFactory.getLogger(ChatFsm.class)).detachAppender(logLines);
    }

    @Test
    void everyReplicaStopsVisiblyOnAnEntryApplyThrowsOn() throws Exception {
        RaftChatNode leader = cluster.awaitLeader();
        cluster.awaitConverged();
        List<String> ids = cluster.runningNodes().stream().map(RaftChatNode::id).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream().allMatch(id -> health(id) == ServingStatus.SERVING));
        long appliedBefore = leader.appliedIndex();
        // The entry goes right after the last one (the leader's configuration entry, which the state machine never sees).
        long failingIndex = cluster.admin(leader.id()).getNodeStatus(NodeStatusRequest.getDefaultInstance()).getLastLogIndex() + 1;

        Command bug = Command.newBuilder().setLeaderTimeMs(System.currentTimeMillis())
                .setEditMessage(EditMessage.newBuilder().setUser("alice").setSeq(1).setText("x")).build();
        CompletableFuture<Status> proposal = new CompletableFuture<>();
        Task task = new Task(ByteBuffer.wrap(bug.toByteArray()), proposal::complete);
        leader.raftNode().apply(task);

        assertThat(proposal.get(10, TimeUnit.SECONDS).isOk()).as("the proposer learns the entry failed").isFalse();
        // The leader and the follower that committed the entry with it apply it and stop; a follower that
        // never learned of the commit before the leader stopped cannot apply it, but has no leader any more.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String id : ids) {
                assertThat(health(id)).as("health of %s", id).isEqualTo(ServingStatus.NOT_SERVING);
            }
            assertThat(stopped(ids)).as("replicas that applied the entry and stopped").contains(leader.id()).hasSizeGreaterThanOrEqualTo(2);
        });
        List<String> stopped = stopped(ids);
        for (RaftChatNode node : cluster.runningNodes()) {
            assertThat(node.appliedIndex()).as("applied index of %s", node.id()).isEqualTo(appliedBefore);
            if (stopped.contains(node.id())) {
                NodeStatus status = cluster.admin(node.id()).getNodeStatus(NodeStatusRequest.getDefaultInstance());
                assertThat(status.getRole()).as("role of %s", node.id()).isEqualTo("STATE_ERROR");
                assertThat(status.getAppliedIndex()).isEqualTo(appliedBefore);
                // At or past it: the leader may append one more entry (a background tick) before its apply stops.
                assertThat(status.getLastLogIndex()).as("the entry is in the log, not applied").isGreaterThanOrEqualTo(failingIndex);
            }
        }
        List<ILoggingEvent> errors = logLines.list.stream().filter(line -> line.getLevel() == Level.ERROR).toList();
        assertThat(errors).as("one error line per stopped replica").hasSize(stopped.size())
                .allSatisfy(line -> assertThat(line.getFormattedMessage())
                        .contains("log index " + failingIndex + " (EDIT_MESSAGE)")
                        .contains("IllegalArgumentException"));
    }

    /** The nodes whose metrics count the apply failure. */
    private List<String> stopped(List<String> ids) throws Exception {
        List<String> stopped = new java.util.ArrayList<>();
        for (String id : ids) {
            if (scrape(id).contains("raftchat_apply_failures_total{cause=\"apply_bug\"} 1.0")) {
                stopped.add(id);
            }
        }
        return stopped;
    }

    private ServingStatus health(String id) {
        return HealthGrpc.newBlockingStub(cluster.channel(id)).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(ChatServiceGrpc.SERVICE_NAME).build()).getStatus();
    }

    private String scrape(String id) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://" + cluster.metricsAddress(id) + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
