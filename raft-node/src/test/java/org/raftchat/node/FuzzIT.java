package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status.Code;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.raftchat.config.Limits;
import org.raftchat.config.LoginThrottling;
import org.raftchat.node.testing.Api;
import org.raftchat.node.testing.ByteMutations;
import org.raftchat.node.testing.RandomRequests;
import org.raftchat.node.testing.RawCall;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChangePasswordRequest;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.ConsumeRequest;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.ListMembersRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.SearchHistoryRequest;
import org.raftchat.proto.v1.SubscribeRequest;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.ListRoomsRequest;
import org.raftchat.proto.v1.ListSessionsRequest;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.proto.v1.RoomSummary;
import org.raftchat.proto.v1.SetRoomInviteOnlyRequest;

/**
 * Fuzzes the whole client API on one real 3-node cluster: every ChatService method with random
 * requests built from its descriptor (boundary strings, unicode and control characters, unknown and
 * existing names, overflowing numbers, reused idempotency keys, missing, forged, stale and malformed
 * tokens) and with valid requests damaged as raw bytes. Each input must end with a documented status,
 * a refused one must leave the state as it was, no answer to a fuzzing user may carry a private
 * message of two other users, and at the end every replica holds the same state and serves.
 *
 * <p>{@code -Djqwik.tries.default=N} sets how many inputs (default in junit-platform.properties).
 */
class FuzzIT {

    /**
     * What a call of the client API may end with (chat_service.proto and GrpcErrors): a success, a
     * refusal of the input or of the caller, a limit, or "try again" (UNAVAILABLE: no leader, a read
     * barrier or proposal that timed out). Never UNKNOWN, INTERNAL, DEADLINE_EXCEEDED (every path
     * answers within its own timeout) or UNIMPLEMENTED.
     */
    static final Set<Code> DOCUMENTED = Collections.unmodifiableSet(EnumSet.of(Code.OK, Code.INVALID_ARGUMENT, Code.NOT_FOUND,
            Code.ALREADY_EXISTS, Code.PERMISSION_DENIED, Code.FAILED_PRECONDITION, Code.RESOURCE_EXHAUSTED, Code.UNAUTHENTICATED,
            Code.UNAVAILABLE));

    /** Request bytes that do not parse answer INVALID_ARGUMENT (RequestParsing), like any other bad request. */
    static final Set<Code> DOCUMENTED_FOR_DAMAGED_BYTES = DOCUMENTED;

    /**
     * Calls whose refusal is recorded on purpose: a wrong password (at login, or as the old password of a
     * change) counts towards the login throttle in the replicated state.
     */
    static final Set<String> REFUSAL_RECORDED = Set.of(
            ChatServiceGrpc.getLoginMethod().getFullMethodName(), ChatServiceGrpc.getChangePasswordMethod().getFullMethodName());

    static final Duration CALL_DEADLINE = Duration.ofSeconds(15);
    static final Duration STREAM_WINDOW = Duration.ofMillis(100);
    static final List<String> FUZZERS = List.of("fz1", "fz2", "fz3");
    static final String HARNESS_DEVICE = "fuzz-harness";
    /** Written into the private conversation of alice and bob, and into alice's invite-only room: nobody else may see it. */
    static final String MARKER = "MARKER-" + UUID.randomUUID();
    static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.UTF_8);

    static Path dataRoot;
    static TestCluster cluster;
    static RandomRequests generator;
    static List<MethodDescriptor<?, ?>> methods;
    static final Map<String, Fuzzer> fuzzers = new ConcurrentHashMap<>();
    static final List<String> staleTokens = Collections.synchronizedList(new ArrayList<>());
    static final List<String> recentKeys = Collections.synchronizedList(new ArrayList<>());
    static final Map<String, AtomicInteger> histogram = new TreeMap<>();
    /** Outcomes per method (a coverage check: every RPC was tried and got past validation sometimes). */
    static final Map<String, Map<String, Integer>> perMethod = new TreeMap<>();
    static final AtomicInteger tries = new AtomicInteger();
    static final AtomicInteger probed = new AtomicInteger();
    static final AtomicInteger inconclusive = new AtomicInteger();
    /** Set once a queue consumer could not be stopped: from then on the leader may expire deliveries at any time. */
    static volatile boolean queueConsumed;
    /** Tries left during which an earlier write whose outcome was unknown (UNAVAILABLE) may still commit. */
    static int unsettledTries;
    static long startNanos;
    static volatile boolean seeded;

    /** A fuzzing user: its password (ChangePassword may change it) and its harness session. */
    static final class Fuzzer {
        final String name;
        volatile String password = TestSession.PASSWORD;
        volatile String token;

        Fuzzer(String name) {
            this.name = name;
        }
    }

    enum Auth { OWN, NONE, STALE, FORGED, MALFORMED }

    /** Any values; values a client could well send; a plausible request damaged as bytes. */
    enum Kind { STRUCTURED, PLAUSIBLE, DAMAGED_BYTES }

    /** One input: how it is built (the request itself comes from {@code seed}), as whom and to which node. */
    record Input(Kind kind, int method, long seed, Auth auth, int fuzzer, boolean toFollower) {
    }

    @BeforeContainer
    static void startClusterAndSeed() throws IOException {
        startNanos = System.nanoTime();
        dataRoot = Files.createTempDirectory("fuzz-it");
        // No presence ticks during the run (their period is a sixth of the timeout), and short login
        // lock-outs, so the harness can log its own users in again after the fuzzer failed their passwords.
        Limits limits = Limits.defaults().withPresenceTimeoutMs(3_600_000).withLoginThrottling(LoginThrottling.defaults()
                .withLockouts(Duration.ofMillis(10), Duration.ofMillis(200), Duration.ofSeconds(1)));
        cluster = TestCluster.start(3, dataRoot, Duration.ofHours(1), limits);
        var anonymous = cluster.anonymousStub(cluster.awaitLeader().id());

        String secretPassword = "secret-" + UUID.randomUUID();
        var asAlice = Api.as(anonymous, register("alice", secretPassword));
        var asBob = Api.as(anonymous, register("bob", secretPassword));
        Api.dm(asAlice, "bob", "to bob only: " + MARKER);
        Api.dm(asBob, "alice", "to alice only: " + MARKER);
        asAlice.createRoom(CreateRoomRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString()).setRoom("vault")
                .setInviteOnly(true).build());
        Api.post(asAlice, "vault", "members only: " + MARKER);
        List<String> aliceSessions = asAlice.listSessions(ListSessionsRequest.getDefaultInstance()).getSessionsList().stream()
                .map(s -> s.getId()).toList();

        for (String name : FUZZERS) {
            Fuzzer fuzzer = new Fuzzer(name);
            anonymous.register(RegisterRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString()).setUsername(name)
                    .setPassword(fuzzer.password).build());
            fuzzers.put(name, fuzzer);
            logIn(fuzzer);
        }
        var asFz1 = Api.as(anonymous, fuzzers.get("fz1").token);
        Api.createRoom(asFz1, "lobby");
        Api.createRoom(asFz1, "closed");
        asFz1.setRoomInviteOnly(SetRoomInviteOnlyRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
                .setRoom("closed").setInviteOnly(true).build());
        Api.createRoom(Api.as(anonymous, fuzzers.get("fz2").token), "ops");

        generator = new RandomRequests(
                // alice, bob and vault (whose messages nobody else may read) come up more often than the rest.
                List.of("alice", "bob", "alice", "bob", "alice", "bob", "fz1", "fz2", "fz3", "system", "nobody", "ALICE", "alice "),
                List.of("MainHall", "lobby", "ops", "closed", "vault", "vault", "vault", "nowhere", "lobby.dlq", "work", "work.dlq"),
                aliceSessions,
                List.of(TestSession.PASSWORD, "another password", "short", secretPassword.substring(0, 10)),
                recentKeys);
        methods = ChatServiceGrpc.getServiceDescriptor().getMethods().stream()
                .sorted(Comparator.comparing(MethodDescriptor::getFullMethodName)).toList();
        cluster.awaitConverged();
        seeded = true;
    }

    @Provide
    Arbitrary<Input> inputs() {
        return Combinators.combine(
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.STRUCTURED)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.PLAUSIBLE)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.DAMAGED_BYTES))),
                Arbitraries.integers().between(0, ChatServiceGrpc.getServiceDescriptor().getMethods().size() - 1),
                Arbitraries.longs(),
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(14, Arbitraries.just(Auth.OWN)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(Auth.NONE)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Auth.STALE)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(Auth.FORGED)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(Auth.MALFORMED))),
                Arbitraries.integers().between(0, FUZZERS.size() - 1),
                Arbitraries.integers().between(0, 4).map(i -> i == 0))
                .as(Input::new);
    }

    @Property(shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
    void everyInputEndsWithADocumentedStatusAndARefusalChangesNothing(@ForAll("inputs") Input input) {
        ensureSessions();
        tries.incrementAndGet();
        MethodDescriptor<?, ?> method = methods.get(input.method());
        Random random = new Random(input.seed());
        Message prototype = prototype(method);
        Message structured = input.kind() == Kind.STRUCTURED ? generator.next(prototype, random) : generator.plausible(prototype, random);
        List<String> mutations = new ArrayList<>();
        byte[] request = input.kind() != Kind.DAMAGED_BYTES ? structured.toByteArray()
                : ByteMutations.mutate(structured.toByteArray(), prototype.getDescriptorForType(), random, mutations);
        Fuzzer fuzzer = fuzzers.get(FUZZERS.get(input.fuzzer()));
        String token = fuzzer.token;
        RaftChatNode leader = cluster.awaitLeader();
        RaftChatNode target = input.toFollower() ? cluster.followers().get(0) : leader;

        boolean probe = unsettledTries == 0 && !queueConsumed;
        unsettledTries = Math.max(0, unsettledTries - 1);
        byte[] before = probe ? leader.contentDigest() : null;
        RawCall.Outcome outcome = RawCall.call(cluster.channel(target.id()), RawCall.asBytes(method), request,
                headers(input.auth(), token, random), CALL_DEADLINE, STREAM_WINDOW);
        Supplier<String> reproducer = () -> reproducer(input, method, target, structured, request, mutations, outcome);

        count(input.kind(), method, outcome.code());
        Set<Code> allowed = input.kind() != Kind.DAMAGED_BYTES ? DOCUMENTED : DOCUMENTED_FOR_DAMAGED_BYTES;
        assertThat(outcome.code().equals(RawCall.STREAM_OPEN) || allowed.contains(Code.valueOf(outcome.code())))
                .as(() -> "undocumented status: " + reproducer.get()).isTrue();
        assertNoMarker(outcome, reproducer);
        boolean refused = !outcome.code().equals(RawCall.STREAM_OPEN) && !outcome.code().equals(Code.OK.name());
        if (refused && !REFUSAL_RECORDED.contains(method.getFullMethodName())) {
            if (probe) {
                probed.incrementAndGet();
                byte[] after = leader.contentDigest();
                assertThat(after).as(() -> "a refused request changed the replicated state: " + reproducer.get()).isEqualTo(before);
            } else {
                inconclusive.incrementAndGet();
            }
        }
        remember(method, input, fuzzer, token, structured, request, outcome);
    }

    @AfterContainer
    static void everyReplicaHoldsTheSameStateAndServes() throws IOException {
        try {
            if (!seeded) {
                return; // the setup failed, and says why
            }
            // Equal digests at equal applied indexes (the leader writes nothing on its own in this config).
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                List<RaftChatNode> nodes = cluster.runningNodes();
                long index = cluster.awaitLeader().appliedIndex();
                assertThat(nodes).allSatisfy(n -> assertThat(n.appliedIndex()).as("applied index of %s", n.id()).isEqualTo(index));
                byte[] digest = nodes.get(0).stateDigest();
                assertThat(nodes).allSatisfy(n -> assertThat(n.stateDigest()).as("state digest of %s", n.id()).isEqualTo(digest));
            });
            for (RaftChatNode node : cluster.runningNodes()) {
                assertThat(HealthGrpc.newBlockingStub(cluster.channel(node.id())).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder().setService(ChatServiceGrpc.SERVICE_NAME).build()).getStatus())
                        .as("health of %s", node.id()).isEqualTo(ServingStatus.SERVING);
            }
            assertStoredRoomsAreValid();
            assertNoFuzzerReadsTheSecrets();
            System.out.printf("FuzzIT: %d inputs tried in %d s (%d refusals probed for state changes, %d not probed: a queue "
                            + "delivery may expire or an unconfirmed write commit meanwhile), %d replicas converged at applied index %d%n",
                    tries.get(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos), probed.get(), inconclusive.get(),
                    cluster.runningNodes().size(), cluster.awaitLeader().appliedIndex());
            System.out.println("FuzzIT statuses: " + histogram);
            System.out.println("FuzzIT statuses per method: " + perMethod);
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            deleteRecursively(dataRoot);
        }
    }

    /**
     * After all that fuzzing (which may have changed memberships, invitations, bans and sessions), every
     * way to read alice and bob's private conversation and alice's invite-only room is still closed to
     * each fuzzing user, on every node.
     */
    private static void assertNoFuzzerReadsTheSecrets() {
        ensureSessions();
        List<ConversationRef> secrets = List.of(Api.direct("alice", "bob"), Api.direct("bob", "alice"), Api.room("vault"));
        List<Map.Entry<MethodDescriptor<?, ?>, Message>> reads = new ArrayList<>();
        for (ConversationRef secret : secrets) {
            reads.add(Map.entry(ChatServiceGrpc.getReadHistoryMethod(), ReadHistoryRequest.newBuilder().setConversation(secret).build()));
            reads.add(Map.entry(ChatServiceGrpc.getSearchHistoryMethod(),
                    SearchHistoryRequest.newBuilder().setConversation(secret).setPhrase("only").build()));
            reads.add(Map.entry(ChatServiceGrpc.getSubscribeMethod(), SubscribeRequest.newBuilder().setConversation(secret).build()));
        }
        reads.add(Map.entry(ChatServiceGrpc.getListMembersMethod(), ListMembersRequest.newBuilder().setRoom("vault").build()));
        for (Fuzzer fuzzer : fuzzers.values()) {
            for (RaftChatNode node : cluster.runningNodes()) {
                for (var read : reads) {
                    RawCall.Outcome outcome = RawCall.call(cluster.channel(node.id()), RawCall.asBytes(read.getKey()),
                            read.getValue().toByteArray(), headers(Auth.OWN, fuzzer.token, new Random()), CALL_DEADLINE, STREAM_WINDOW);
                    Supplier<String> what = () -> read.getKey().getBareMethodName() + " " + TextFormat.printer().shortDebugString(read.getValue())
                            + " as " + fuzzer.name + " on " + node.id() + " -> " + outcome.code() + ": " + outcome.description();
                    assertThat(outcome.code()).as(() -> "a fuzzing user read a conversation it is not part of: " + what.get())
                            .isEqualTo(Code.PERMISSION_DENIED.name());
                    assertNoMarker(outcome, what);
                }
            }
        }
    }

    /** Whatever fuzzing created, every room in the state has a name and description a valid request could give it. */
    private static void assertStoredRoomsAreValid() {
        var stub = Api.as(cluster.anonymousStub(cluster.awaitLeader().id()), fuzzers.get("fz3").token);
        List<RoomSummary> rooms = stub.listRooms(ListRoomsRequest.getDefaultInstance()).getRoomsList();
        assertThat(rooms).isNotEmpty().allSatisfy(room -> {
            assertThat(room.getName()).matches("[A-Za-z0-9_.-]{1,32}");
            assertThat(room.getDescription().length()).isLessThanOrEqualTo(cluster.config().limits().maxDescriptionLength());
        });
    }

    private static void count(Kind kind, MethodDescriptor<?, ?> method, String code) {
        synchronized (histogram) {
            histogram.computeIfAbsent(kind + ":" + code, k -> new AtomicInteger()).incrementAndGet();
            perMethod.computeIfAbsent(method.getBareMethodName(), k -> new TreeMap<>()).merge(code, 1, Integer::sum);
        }
    }

    private static void assertNoMarker(RawCall.Outcome outcome, Supplier<String> reproducer) {
        for (byte[] response : outcome.responses()) {
            assertThat(indexOf(response, MARKER_BYTES)).as(() -> "an answer carried a message the caller may not read: "
                    + reproducer.get()).isEqualTo(-1);
        }
        assertThat(String.valueOf(outcome.description())).as(() -> "a status carried a message the caller may not read: "
                + reproducer.get()).doesNotContain(MARKER);
    }

    /** The harness's bookkeeping after a call: sessions that may have ended, a new password, keys, queue consumers. */
    private static void remember(MethodDescriptor<?, ?> method, Input input, Fuzzer fuzzer, String token, Message structured,
                                 byte[] request, RawCall.Outcome outcome) {
        String name = method.getBareMethodName();
        boolean ok = outcome.code().equals(Code.OK.name());
        if (outcome.code().equals(Code.UNAVAILABLE.name())) {
            unsettledTries = 3;
        }
        if (ok && name.equals("StartConsuming")) {
            stopConsuming(token, request);
        }
        if (ok && name.equals("ChangePassword")) {
            try {
                fuzzer.password = ChangePasswordRequest.parseFrom(request).getNewPassword();
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("the server took a ChangePassword request that does not parse", e);
            }
        }
        boolean sessionMayHaveEnded = ok && Set.of("Logout", "LogoutAll", "RevokeSession", "ChangePassword").contains(name)
                || input.auth() == Auth.OWN && outcome.code().equals(Code.UNAUTHENTICATED.name())
                        && !Set.of("Login", "Register", "GetClusterInfo").contains(name);
        if (sessionMayHaveEnded && token.equals(fuzzer.token)) {
            fuzzer.token = null;
            staleTokens.add(token);
        }
        FieldDescriptor key = structured.getDescriptorForType().findFieldByName("idempotency_key");
        if (key != null && structured.hasField(key)) {
            synchronized (recentKeys) {
                recentKeys.add((String) structured.getField(key));
                if (recentKeys.size() > 50) {
                    recentKeys.remove(0);
                }
            }
        }
    }

    /**
     * Stops the queue consumer a fuzzed call started, so no delivery waits for an ack: the leader's expiry
     * of overdue deliveries is the one write it makes on its own in this config, and would confuse the probe.
     */
    private static void stopConsuming(String token, byte[] request) {
        try {
            String room = ConsumeRequest.parseFrom(request).getRoom();
            Api.as(cluster.anonymousStub(cluster.awaitLeader().id()), token).stopConsuming(ConsumeRequest.newBuilder()
                    .setIdempotencyKey(UUID.randomUUID().toString()).setRoom(room).build());
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            queueConsumed = true; // deliveries may be due at any time from now on: stop probing
        }
    }

    /** Logs in again every fuzzing user whose harness session may have ended. */
    private static void ensureSessions() {
        for (Fuzzer fuzzer : fuzzers.values()) {
            if (fuzzer.token == null) {
                logIn(fuzzer);
            }
        }
    }

    /** Logs in on the leader; waits out a login lock-out the fuzzer's wrong passwords caused (short in this config). */
    private static void logIn(Fuzzer fuzzer) {
        fuzzer.token = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> cluster.anonymousStub(cluster.awaitLeader().id()).login(LoginRequest.newBuilder()
                        .setUsername(fuzzer.name).setPassword(fuzzer.password).setDeviceId(HARNESS_DEVICE).build()).getToken(),
                        t -> t != null && !t.isEmpty());
    }

    /** Registers and logs in on the leader; returns the session token. */
    private static String register(String user, String password) {
        var anonymous = cluster.anonymousStub(cluster.awaitLeader().id());
        anonymous.register(RegisterRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString()).setUsername(user)
                .setPassword(password).build());
        return anonymous.login(LoginRequest.newBuilder().setUsername(user).setPassword(password).setDeviceId(HARNESS_DEVICE)
                .build()).getToken();
    }

    private static Metadata headers(Auth auth, String token, Random random) {
        Metadata headers = new Metadata();
        String value = switch (auth) {
            case OWN -> "Bearer " + token;
            case NONE -> null;
            case STALE -> "Bearer " + (staleTokens.isEmpty() ? forged(random) : staleTokens.get(random.nextInt(staleTokens.size())));
            case FORGED -> "Bearer " + forged(random);
            case MALFORMED -> List.of("Bearer", "Bearer ", "bearer " + token, "Basic " + token, "Bearer " + token + " x",
                    "Bearer " + token.substring(1), "Bearer " + "A".repeat(129), "Token " + token).get(random.nextInt(8));
        };
        if (value != null) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
        }
        return headers;
    }

    private static String forged(Random random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Message prototype(MethodDescriptor<?, ?> method) {
        return (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
    }

    private static String reproducer(Input input, MethodDescriptor<?, ?> method, RaftChatNode target, Message structured,
                                     byte[] request, List<String> mutations, RawCall.Outcome outcome) {
        return method.getFullMethodName() + " to " + target.id() + (target.isLeader() ? " (leader)" : " (follower)")
                + " with auth " + input.auth() + " of " + FUZZERS.get(input.fuzzer())
                + ", request {" + TextFormat.printer().shortDebugString(structured) + "}"
                + (input.kind() == Kind.DAMAGED_BYTES ? " damaged by " + mutations + " into bytes " + HexFormat.of().formatHex(request) : "")
                + " -> " + outcome.code() + ": " + outcome.description();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
