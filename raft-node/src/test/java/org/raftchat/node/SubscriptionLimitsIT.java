package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.as;
import static org.raftchat.node.testing.Api.createRoom;
import static org.raftchat.node.testing.Api.post;
import static org.raftchat.node.testing.Api.room;

import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.config.SessionPolicy;
import org.raftchat.node.testing.Api;
import org.raftchat.node.testing.StreamRecorder;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChangePasswordRequest;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.LimitReached;
import org.raftchat.proto.v1.ListSessionsRequest;
import org.raftchat.proto.v1.LogoutAllRequest;
import org.raftchat.proto.v1.LogoutRequest;
import org.raftchat.proto.v1.RevokeSessionRequest;
import org.raftchat.proto.v1.SessionSummary;
import org.raftchat.proto.v1.SubscribeRequest;

/** What one session or user may hold of a node's streams, and that streams end with their session, on a 3-node cluster. */
class SubscriptionLimitsIT {

    @TempDir
    Path dataRoot;
    TestCluster cluster;
    ChatServiceBlockingStub leader;
    String follower;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void start(SessionPolicy policy) {
        cluster = TestCluster.start(3, dataRoot, Duration.ofHours(1), c -> policy == null ? c : c.withSessions(policy));
        leader = cluster.blockingStub(cluster.awaitLeader().id());
        follower = cluster.followers().get(0).id();
        createRoom(leader, "lobby");
        post(leader, "lobby", "first");
    }

    @Test
    void oneSessionOrOneUserCannotTakeEveryStreamOfANode() {
        // Goal: a session gets at most its share of a node's streams, a user (over all their devices) theirs; the
        // refusal says it is a fixed limit (LimitReached) and what to do; a closed stream frees its slot.
        start(null);
        // The default caps: what a real client meets. Four sessions at the session cap reach the user cap.
        int perSession = cluster.config().limits().maxSubscriptionsPerSession();
        int perUser = cluster.config().limits().maxSubscriptionsPerUser();
        assertThat(perUser % perSession).isZero();
        List<Reader> open = new ArrayList<>();
        for (int d = 1; d <= perUser / perSession; d++) {
            TestSession device = bob("d" + d);
            for (int i = 0; i < perSession; i++) {
                open.add(admitted(subscribe(device)));
            }
            if (d == 1) {
                assertLimitReached(subscribe(device), "this session");
            }
        }
        TestSession another = bob("d-extra");
        assertLimitReached(subscribe(another), "user 'bob'");
        // Another user is not held back by bob's streams.
        admitted(subscribe(cluster.session()));

        open.get(0).cancel();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> subscribe(another).awaitOutcome().error.get() == null);
    }

    @Test
    void aStreamEndsAtOnceWhenItsSessionIsLoggedOutRevokedOrEndedByAPasswordChange() {
        // Goal: a stream on a follower ends (UNAUTHENTICATED) as soon as the follower applies the end of its session,
        // not when its conversation next changes (nothing is posted here after the first message).
        start(null);
        TestSession d1 = bob("d1");
        TestSession d2 = bob("d2");
        TestSession d3 = bob("d3");
        TestSession d4 = bob("d4");
        Reader s1 = admitted(subscribe(d1));
        Reader s2 = admitted(subscribe(d2));
        Reader s3 = admitted(subscribe(d3));
        Reader s4 = admitted(subscribe(d4));
        ChatServiceBlockingStub leaderAnonymous = cluster.anonymousStub(cluster.awaitLeader().id());

        leaderAnonymous.withCallCredentials(d1).logout(LogoutRequest.newBuilder().setIdempotencyKey(key()).build());
        assertEndsUnauthenticated(s1);

        String d2Id = as(leaderAnonymous, d4.token()).listSessions(ListSessionsRequest.getDefaultInstance()).getSessionsList().stream()
                .filter(s -> s.getDeviceId().equals("d2")).map(SessionSummary::getId).findFirst().orElseThrow();
        as(leaderAnonymous, d4.token()).revokeSession(RevokeSessionRequest.newBuilder().setIdempotencyKey(key()).setSessionId(d2Id).build());
        assertEndsUnauthenticated(s2);

        as(leaderAnonymous, d4.token()).changePassword(ChangePasswordRequest.newBuilder().setIdempotencyKey(key())
                .setOldPassword(TestSession.PASSWORD).setNewPassword("a new password 1").build());
        assertEndsUnauthenticated(s3);
        assertThat(s4.error.get()).as("the stream of the session that changed the password").isNull();

        as(leaderAnonymous, d4.token()).logoutAll(LogoutAllRequest.newBuilder().setIdempotencyKey(key()).build());
        assertEndsUnauthenticated(s4);
        for (Reader reader : List.of(s1, s2, s3, s4)) {
            assertThat(reader.messages).extracting(ChatMessage::getText).containsExactly("first");
        }
    }

    @Test
    void aStreamEndsWhenItsSessionExpires() {
        // Goal: the leader's expiry command ends the streams of the sessions it deletes, on every replica.
        start(new SessionPolicy(Duration.ofSeconds(3), Duration.ofDays(1), 20));
        Reader idle = admitted(subscribe(bob("idle")));
        assertThat(Status.fromThrowable(idle.awaitError(Duration.ofSeconds(20))).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    private TestSession bob(String device) {
        TestSession session = new TestSession(cluster, "bob", device);
        Api.join(cluster.anonymousStub(cluster.awaitLeader().id()).withCallCredentials(session), "lobby");
        return session;
    }

    private Reader subscribe(TestSession session) {
        Reader reader = new Reader();
        cluster.asyncStub(follower).withCallCredentials(session)
                .subscribe(SubscribeRequest.newBuilder().setConversation(room("lobby")).build(), reader);
        return reader;
    }

    /** Admitted streams get the room's first message as backfill at once. */
    private static Reader admitted(Reader reader) {
        reader.awaitOutcome();
        assertThat(reader.error.get()).as("a stream that should be admitted").isNull();
        return reader;
    }

    private static void assertLimitReached(Reader reader, String who) {
        Throwable error = reader.awaitError(Duration.ofSeconds(10));
        assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(StatusProto.fromThrowable(error).getDetailsList()).anyMatch(d -> d.is(LimitReached.class));
        assertThat(Status.fromThrowable(error).getDescription()).contains(who).contains("close another subscription");
    }

    private static void assertEndsUnauthenticated(Reader reader) {
        Throwable error = reader.awaitError(Duration.ofSeconds(5));
        assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(Status.fromThrowable(error).getDescription()).contains("log in again");
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }

    private static final class Reader extends StreamRecorder implements ClientResponseObserver<SubscribeRequest, ChatMessage> {
        private volatile ClientCallStreamObserver<SubscribeRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
            call = requestStream;
        }

        void cancel() {
            call.cancel("the client closes this subscription", null);
        }

        Reader awaitOutcome() {
            await().atMost(Duration.ofSeconds(10)).until(() -> !messages.isEmpty() || error.get() != null);
            return this;
        }

        Throwable awaitError(Duration within) {
            await().atMost(within).until(() -> error.get() != null);
            return error.get();
        }
    }
}
