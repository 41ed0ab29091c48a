package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.raftchat.node.testing.Api.as;
import static org.raftchat.node.testing.Api.code;

import io.grpc.Attributes;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.config.Limits;
import org.raftchat.config.LoginThrottling;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.GetUnreadRequest;
import org.raftchat.proto.v1.ListRoomsRequest;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.LogoutRequest;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.proto.v1.SetNicknameRequest;

/** Accounts and sessions through the public API of a 3-node cluster. */
class AccountsIT {

    private static final int REQUESTS_PER_SECOND = 20;

    // Lock-outs of minutes, so that no assertion races the end of one (a failover takes seconds).
    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3, Limits.defaults()
            .withMaxRequestsPerSecondPerSession(REQUESTS_PER_SECOND)
            .withLoginThrottling(LoginThrottling.defaults().withLockouts(Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(15))));
    final List<ManagedChannel> channelsFromElsewhere = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        channelsFromElsewhere.forEach(ManagedChannel::shutdownNow);
    }

    @Test
    void everyCallButTheWayInNeedsALiveSessionOnEveryNode() {
        // Goal: without a token, with a made-up one, or after logout, calls fail UNAUTHENTICATED on every node.
        String token = session("alice", "laptop");
        for (String id : ids()) {
            assertThat(code(catchThrowable(() -> cluster.anonymousStub(id).listRooms(ListRoomsRequest.getDefaultInstance()))))
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(code(catchThrowable(() -> as(cluster.anonymousStub(id), "A".repeat(43)).listRooms(ListRoomsRequest.getDefaultInstance()))))
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(as(cluster.anonymousStub(id), token).listRooms(ListRoomsRequest.getDefaultInstance()).getRoomsList())
                    .extracting(r -> r.getName()).containsExactly("MainHall");
        }

        as(leader(), token).logout(LogoutRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString()).build());

        for (String id : ids()) {
            assertThat(code(catchThrowable(() -> as(cluster.anonymousStub(id), token).getUnread(GetUnreadRequest.getDefaultInstance()))))
                    .as("logged-out token on %s", id).isEqualTo(Status.Code.UNAUTHENTICATED);
        }
    }

    @Test
    void aTokenFromTheLeaderWorksAtOnceOnEveryFollower() {
        // Goal: a follower that has not applied the login yet checks linearizably instead of refusing it.
        for (int i = 0; i < 5; i++) {
            String token = session("user" + i, "d");
            for (RaftChatNode follower : cluster.followers()) {
                assertThat(as(cluster.anonymousStub(follower.id()), token).getUnread(GetUnreadRequest.getDefaultInstance())
                        .getConversationsCount()).isEqualTo(1);
            }
        }
    }

    @Test
    void wrongPasswordsUnknownUsersAndTakenNamesAreRefused() {
        // Goal: the way in refuses bad credentials and duplicate names, and reveals nothing about which was wrong.
        session("alice", "laptop");

        Throwable taken = catchThrowable(() -> leader().register(register("k-taken", "alice")));
        Throwable wrongPassword = catchThrowable(() -> leader().login(LoginRequest.newBuilder().setUsername("alice")
                .setPassword("not the password").build()));
        Throwable unknownUser = catchThrowable(() -> leader().login(LoginRequest.newBuilder().setUsername("nobody")
                .setPassword(TestSession.PASSWORD).build()));
        Throwable shortPassword = catchThrowable(() -> leader().register(RegisterRequest.newBuilder()
                .setIdempotencyKey("k-short").setUsername("bob").setPassword("short").build()));
        Throwable reserved = catchThrowable(() -> leader().register(register("k-system", "system")));

        assertThat(code(taken)).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(code(wrongPassword)).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(code(unknownUser)).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(wrongPassword.getMessage()).isEqualTo(unknownUser.getMessage());
        assertThat(code(shortPassword)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(reserved)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void repeatedWrongPasswordsLockTheUsernameOutForAWhile() {
        // Goal: password guessing is slowed down: after five wrong passwords in a row even the right one waits
        // (at this address: see the tests below for other addresses, concurrent guesses and failover).
        session("alice", "laptop");
        LoginRequest wrong = LoginRequest.newBuilder().setUsername("alice").setPassword("guess, guess").build();
        for (int i = 0; i < org.raftchat.config.Defaults.LOGIN_FREE_FAILURES; i++) {
            assertThat(code(catchThrowable(() -> leader().login(wrong)))).isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        Throwable locked = catchThrowable(() -> leader().login(LoginRequest.newBuilder().setUsername("alice")
                .setPassword(TestSession.PASSWORD).setDeviceId("phone").build()));
        assertThat(code(locked)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(locked).hasMessageContaining("wrong passwords in a row for 'alice'").hasMessageContaining("before trying again");
        assertThat(session("bob", "laptop")).as("other usernames log in as usual").isNotEmpty();
    }

    @Test
    void concurrentWrongGuessesAreCountedBeforeTheirPasswordsAreChecked() throws Exception {
        // Goal: 30 wrong guesses at once from one address get exactly the 5 free UNAUTHENTICATED answers;
        // the rest are refused (RESOURCE_EXHAUSTED) without a password check, and then the pair is locked.
        session("alice", "laptop");
        LoginRequest wrong = LoginRequest.newBuilder().setUsername("alice").setPassword("guess, guess").build();
        ChatServiceBlockingStub leader = leader();
        ExecutorService guessers = Executors.newFixedThreadPool(30);
        List<Future<Status.Code>> answers = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int i = 0; i < 30; i++) {
                answers.add(guessers.submit(() -> {
                    start.await();
                    return code(catchThrowable(() -> leader.login(wrong)));
                }));
            }
            start.countDown();
            Map<Status.Code, Integer> counts = new EnumMap<>(Status.Code.class);
            for (Future<Status.Code> answer : answers) {
                counts.merge(answer.get(60, TimeUnit.SECONDS), 1, Integer::sum);
            }
            assertThat(counts.keySet()).containsOnly(Status.Code.UNAUTHENTICATED, Status.Code.RESOURCE_EXHAUSTED);
            assertThat(counts.getOrDefault(Status.Code.UNAUTHENTICATED, 0))
                    // Exactly: an attempt is let in only while recorded failures + attempts in flight < 5.
                    .isEqualTo(LoginThrottling.defaults().freeFailuresPerUser());
        } finally {
            guessers.shutdownNow();
        }
        assertThat(code(catchThrowable(() -> leader().login(correct("alice", "phone"))))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }

    @Test
    void aGuesserAtOneAddressDoesNotLockTheUserOutAtAnother() {
        // Goal: five wrong passwords for alice from 127.0.0.2 lock alice out there only; from 127.0.0.1 she logs in.
        session("alice", "laptop");
        LoginRequest wrong = LoginRequest.newBuilder().setUsername("alice").setPassword("guess, guess").build();
        for (int i = 0; i < LoginThrottling.defaults().freeFailuresPerUser(); i++) {
            assertThat(code(catchThrowable(() -> leaderFrom("127.0.0.2").login(wrong)))).isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        Throwable stranger = catchThrowable(() -> leaderFrom("127.0.0.2").login(correct("alice", "phone")));
        assertThat(code(stranger)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(stranger).hasMessageContaining("for 'alice' from this address");

        assertThat(leader().login(correct("alice", "phone")).getToken()).isNotEmpty();
    }

    @Test
    void aLockOutSurvivesStoppingTheLeader() {
        // Goal: the failures are replicated: after the leader that counted them stops, the new leader
        // still refuses alice at that address (and still lets her in from another).
        session("alice", "laptop");
        LoginRequest wrong = LoginRequest.newBuilder().setUsername("alice").setPassword("guess, guess").build();
        for (int i = 0; i < LoginThrottling.defaults().freeFailuresPerUser(); i++) {
            assertThat(code(catchThrowable(() -> leader().login(wrong)))).isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        String oldLeader = cluster.awaitLeader().id();
        cluster.stopNode(oldLeader);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cluster.runningNodes().stream().anyMatch(RaftChatNode::isLeader));

        Throwable locked = catchThrowable(() -> leader().login(correct("alice", "phone")));
        assertThat(code(locked)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(locked).hasMessageContaining("wrong passwords in a row for 'alice'");
        assertThat(leaderFrom("127.0.0.2").login(correct("alice", "tablet")).getToken()).isNotEmpty();
    }

    @Test
    void aRetriedRegistrationAnswersLikeTheFirst() {
        // Goal: the same idempotency key registers once and answers OK again, not ALREADY_EXISTS.
        RegisterRequest request = RegisterRequest.newBuilder().setIdempotencyKey("reg-1").setUsername("carol")
                .setPassword("long enough pw").build();
        assertThat(leader().register(request).getUsername()).isEqualTo("carol");
        assertThat(leader().register(request).getUsername()).isEqualTo("carol");
    }

    @Test
    void oneLiveSessionPerDeviceManyDevicesPerUser() {
        // Goal: a second login on a device ends that device's first session; another device's session lives on.
        String laptop1 = session("alice", "laptop");
        String phone = session("alice", "phone");
        String laptop2 = session("alice", "laptop");

        assertThat(code(catchThrowable(() -> as(leader(), laptop1).getUnread(GetUnreadRequest.getDefaultInstance()))))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        as(leader(), phone).getUnread(GetUnreadRequest.getDefaultInstance());
        as(leader(), laptop2).getUnread(GetUnreadRequest.getDefaultInstance());
    }

    @Test
    void nicknamesAreUniqueAndAClashChangesNothing() {
        // Goal: a taken nickname (or another user's username) is refused; the holder keeps it.
        String alice = session("alice", "d");
        String bob = session("bob", "d");

        assertThat(as(leader(), alice).setNickname(nick("k1", "Ally")).getNickname()).isEqualTo("Ally");
        assertThat(code(catchThrowable(() -> as(leader(), bob).setNickname(nick("k2", "Ally"))))).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(code(catchThrowable(() -> as(leader(), bob).setNickname(nick("k3", "alice"))))).isEqualTo(Status.Code.ALREADY_EXISTS);

        assertThat(leader().login(LoginRequest.newBuilder().setUsername("alice").setPassword(org.raftchat.node.testing.TestSession.PASSWORD)
                .setDeviceId("d2").build()).getNickname()).isEqualTo("Ally");
        assertThat(leader().login(LoginRequest.newBuilder().setUsername("bob").setPassword(org.raftchat.node.testing.TestSession.PASSWORD)
                .setDeviceId("d2").build()).getNickname()).isEqualTo("bob");
    }

    @Test
    void aSessionOverItsRequestRateGetsResourceExhausted() {
        // Goal: more than the per-session limit in a burst is refused with RESOURCE_EXHAUSTED; other sessions are unaffected.
        String alice = session("alice", "d");
        String bob = session("bob", "d");
        Throwable refused = null;
        ChatServiceBlockingStub stub = as(leader(), alice);
        for (int i = 0; i < REQUESTS_PER_SECOND * 10 && code(refused) != Status.Code.RESOURCE_EXHAUSTED; i++) {
            refused = catchThrowable(() -> stub.getUnread(GetUnreadRequest.getDefaultInstance()));
        }
        assertThat(code(refused)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused.getMessage()).contains(REQUESTS_PER_SECOND + " requests per second");
        as(leader(), bob).getUnread(GetUnreadRequest.getDefaultInstance());
    }

    /** Registers (if new) and logs in with leader-following retries; a new device gets a new session. */
    private String session(String user, String device) {
        return new TestSession(cluster, user, device).token();
    }

    private static LoginRequest correct(String user, String device) {
        return LoginRequest.newBuilder().setUsername(user).setPassword(TestSession.PASSWORD).setDeviceId(device).build();
    }

    /**
     * The leader, called over a connection from another local address (the node listens on
     * 127.0.0.1; Linux routes all of 127/8 to loopback): the server sees that address as the client's.
     */
    private ChatServiceBlockingStub leaderFrom(String localAddress) {
        ManagedChannel channel = NettyChannelBuilder.forTarget(cluster.apiAddress(cluster.awaitLeader().id()))
                .usePlaintext()
                .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
                    @Override
                    public SocketAddress createSocketAddress(SocketAddress remote, Attributes attrs) {
                        return new InetSocketAddress(localAddress, 0);
                    }
                })
                .build();
        channelsFromElsewhere.add(channel);
        return ChatServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** Looked up per call: on a loaded machine leadership may move between calls. */
    private ChatServiceBlockingStub leader() {
        return cluster.anonymousStub(cluster.awaitLeader().id());
    }

    private static RegisterRequest register(String key, String user) {
        return RegisterRequest.newBuilder().setIdempotencyKey(key).setUsername(user).setPassword(TestSession.PASSWORD).build();
    }

    private static SetNicknameRequest nick(String key, String nickname) {
        return SetNicknameRequest.newBuilder().setIdempotencyKey(key).setNickname(nickname).build();
    }

    private java.util.List<String> ids() {
        return cluster.config().nodes().stream().map(n -> n.id()).toList();
    }
}
