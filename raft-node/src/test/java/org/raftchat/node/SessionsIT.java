package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.raftchat.node.testing.Api.as;
import static org.raftchat.node.testing.Api.code;

import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.config.SessionPolicy;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChangePasswordRequest;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.GetUnreadRequest;
import org.raftchat.proto.v1.HeartbeatRequest;
import org.raftchat.proto.v1.ListSessionsRequest;
import org.raftchat.proto.v1.ListSessionsResponse;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.LogoutAllRequest;
import org.raftchat.proto.v1.RevokeSessionRequest;
import org.raftchat.proto.v1.SessionSummary;

/** Session lifetimes, the per-user cap, listing, revocation, logout everywhere and password changes on a 3-node cluster. */
class SessionsIT {

    @TempDir
    Path dataRoot;
    TestCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void start(SessionPolicy policy) {
        cluster = TestCluster.start(3, dataRoot, Duration.ofHours(1), c -> c.withSessions(policy));
    }

    @Test
    void configuredLifetimesEndIdleAndOldSessionsOnEveryNode() {
        // Goal: a session without activity ends after the idle lifetime, an active one after the absolute
        // lifetime, decided in leader time and refused by followers too.
        start(new SessionPolicy(Duration.ofSeconds(2), Duration.ofSeconds(6), 20));
        String idle = new TestSession(cluster, "alice", "idle").token();
        String busy = new TestSession(cluster, "alice", "busy").token();
        String followerId = cluster.followers().get(0).id();

        // Heartbeats keep "busy" alive while "idle", which never heartbeats, ends on the follower.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            heartbeat(busy);
            return code(catchThrowable(() -> unread(followerId, idle))) == Status.Code.UNAUTHENTICATED;
        });
        for (String id : ids()) {
            assertThat(code(catchThrowable(() -> unread(id, idle)))).as("idle session on %s", id).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(unread(id, busy)).as("active session on %s", id).isNotNull();
        }
        assertThat(as(stub(followerId), busy).listSessions(ListSessionsRequest.getDefaultInstance()).getSessionsList())
                .extracting(SessionSummary::getDeviceId).containsExactly("busy");

        // However active, "busy" ends at its absolute lifetime: a heartbeat is then refused.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> code(catchThrowable(() -> heartbeat(busy))) == Status.Code.UNAUTHENTICATED);
        for (String id : ids()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> code(catchThrowable(() -> unread(id, busy))) == Status.Code.UNAUTHENTICATED);
        }
        // The expiry command deleted both from the replicated state: a new session lists only itself.
        String fresh = new TestSession(cluster, "alice", "fresh").token();
        await().atMost(Duration.ofSeconds(10)).until(() -> as(stub(followerId), fresh).listSessions(ListSessionsRequest.getDefaultInstance())
                .getSessionsList().stream().map(SessionSummary::getDeviceId).toList().equals(List.of("fresh")));

        // Once no session is left to expire, the leader proposes nothing: an idle cluster's log stays still
        // (it would grow by an entry every check interval, 200 ms here, if the leader proposed blindly).
        await().atMost(Duration.ofSeconds(20)).until(() -> code(catchThrowable(() -> unread(followerId, fresh))) == Status.Code.UNAUTHENTICATED);
        RaftChatNode leader = cluster.awaitLeader();
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.runningNodes().stream().allMatch(n -> n.appliedIndex() == leader.appliedIndex()));
        long applied = leader.appliedIndex();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> leader.appliedIndex() == applied);
    }

    @Test
    void capListRevokeLogoutEverywhereAndPasswordChange() {
        // Goal: the cap ends the least recently active session; list, revoke, logout-all and change
        // password work through the API, and every token they end gets UNAUTHENTICATED on every node.
        start(new SessionPolicy(Duration.ofDays(7), Duration.ofDays(30), 3));
        String t1 = new TestSession(cluster, "alice", "d1").token();
        String t2 = new TestSession(cluster, "alice", "d2").token();
        String t3 = new TestSession(cluster, "alice", "d3").token();
        heartbeat(t1); // now t2 is the least recently active, once the leader's next presence tick records it
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, Long> lastActive = as(stub(ids().get(0)), t3).listSessions(ListSessionsRequest.getDefaultInstance())
                    .getSessionsList().stream().collect(Collectors.toMap(SessionSummary::getDeviceId, SessionSummary::getLastActiveMs));
            return lastActive.get("d1") > lastActive.get("d2");
        });
        String t4 = new TestSession(cluster, "alice", "d4").token();
        assertEnded(t2);
        assertLive(t1, t3, t4);

        String followerId = cluster.followers().get(0).id();
        ListSessionsResponse listed = as(stub(followerId), t4).listSessions(ListSessionsRequest.getDefaultInstance());
        assertThat(listed.getSessionsList()).extracting(SessionSummary::getDeviceId).containsExactly("d1", "d3", "d4");
        assertThat(listed.getSessionsList()).extracting(SessionSummary::getCurrent).containsExactly(false, false, true);
        assertThat(listed.getSessionsList()).allSatisfy(s -> {
            assertThat(s.getId()).matches("[0-9a-f]{12}");
            assertThat(s.getExpiresAtMs()).isGreaterThan(s.getCreatedAtMs());
        });
        for (String token : List.of(t1, t3, t4)) {
            assertThat(listed.toString()).doesNotContain(token);
        }

        // Revoke d1 by its id; again is NOT_FOUND; a malformed id is INVALID_ARGUMENT.
        String d1 = idOf(listed, "d1");
        assertThat(as(leader(), t4).revokeSession(revoke(d1)).getSessionsEnded()).isEqualTo(1);
        assertEnded(t1);
        assertThat(code(catchThrowable(() -> as(leader(), t4).revokeSession(revoke(d1))))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(catchThrowable(() -> as(leader(), t4).revokeSession(revoke("not-an-id"))))).isEqualTo(Status.Code.INVALID_ARGUMENT);

        // Another user cannot revoke alice's session by its id.
        String bob = new TestSession(cluster, "bob", "d1").token();
        String d3 = idOf(listed, "d3");
        assertThat(code(catchThrowable(() -> as(leader(), bob).revokeSession(revoke(d3))))).isEqualTo(Status.Code.NOT_FOUND);
        assertLive(t3);

        // Log out everywhere else.
        assertThat(as(leader(), t4).logoutAll(LogoutAllRequest.newBuilder().setIdempotencyKey(key()).setKeepCurrent(true).build())
                .getSessionsEnded()).isEqualTo(1);
        assertEnded(t3);
        assertLive(t4, bob);

        // Change the password: the old one is required; every other session ends, this one stays.
        String t5 = new TestSession(cluster, "alice", "d5").token();
        assertThat(code(catchThrowable(() -> as(leader(), t4).changePassword(passwd("wrong password", "new password 1")))))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertLive(t5);
        ChangePasswordRequest change = passwd(TestSession.PASSWORD, "new password 1");
        assertThat(as(leader(), t4).changePassword(change).getSessionsEnded()).isEqualTo(1);
        assertEnded(t5);
        // A client retry with the same key (its answer lost) gets the same answer, not "wrong old password".
        assertThat(as(leader(), t4).changePassword(change).getSessionsEnded()).isEqualTo(1);
        assertLive(t4, bob);
        assertThat(code(catchThrowable(() -> login(TestSession.PASSWORD)))).isEqualTo(Status.Code.UNAUTHENTICATED);
        String t6 = login("new password 1");

        // Log out everywhere, this session included.
        assertThat(as(leader(), t4).logoutAll(LogoutAllRequest.newBuilder().setIdempotencyKey(key()).build()).getSessionsEnded())
                .isEqualTo(2);
        assertEnded(t4);
        assertEnded(t6);
        assertLive(bob);
    }

    private void assertEnded(String token) {
        for (String id : ids()) {
            assertThat(code(catchThrowable(() -> unread(id, token)))).as("ended session on %s", id).isEqualTo(Status.Code.UNAUTHENTICATED);
        }
    }

    private void assertLive(String... tokens) {
        for (String token : tokens) {
            for (String id : ids()) {
                assertThat(unread(id, token)).as("live session on %s", id).isNotNull();
            }
        }
    }

    private Object unread(String nodeId, String token) {
        return as(stub(nodeId), token).getUnread(GetUnreadRequest.getDefaultInstance());
    }

    private void heartbeat(String token) {
        as(leader(), token).heartbeat(HeartbeatRequest.getDefaultInstance());
    }

    private String login(String password) {
        return leader().login(LoginRequest.newBuilder().setUsername("alice").setPassword(password).setDeviceId("d6").build()).getToken();
    }

    private static String idOf(ListSessionsResponse listed, String device) {
        return listed.getSessionsList().stream().filter(s -> s.getDeviceId().equals(device)).findFirst().orElseThrow().getId();
    }

    private static RevokeSessionRequest revoke(String id) {
        return RevokeSessionRequest.newBuilder().setIdempotencyKey(key()).setSessionId(id).build();
    }

    private static ChangePasswordRequest passwd(String oldPassword, String newPassword) {
        return ChangePasswordRequest.newBuilder().setIdempotencyKey(key()).setOldPassword(oldPassword).setNewPassword(newPassword).build();
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }

    private ChatServiceBlockingStub stub(String id) {
        return cluster.anonymousStub(id);
    }

    private ChatServiceBlockingStub leader() {
        return cluster.anonymousStub(cluster.awaitLeader().id());
    }

    private List<String> ids() {
        return cluster.config().nodes().stream().map(n -> n.id()).toList();
    }
}
