package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.raftchat.config.Limits;
import org.raftchat.node.testing.StreamRecorder;
import org.raftchat.proto.v1.LimitReached;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.SubscribeRequest;

/** The hub over a real state machine, served through an in-process gRPC server (whose isReady is the client's demand). */
class SubscriptionHubTest {

    @TempDir
    Path dir;
    LocalState state;
    ExecutorService pump;
    SubscriptionHub hub;
    Server server;
    ManagedChannel channel;
    final AtomicInteger sent = new AtomicInteger();
    static final Metadata.Key<String> CALLER = Metadata.Key.of("test-caller", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<Caller> CURRENT = Context.key("caller");

    /** Callers by the test header their client sends, as the Authenticator would resolve tokens. */
    final Map<String, Caller> callers = new ConcurrentHashMap<>();

    @BeforeEach
    void openState() {
        state = new LocalState(dir.resolve("state"));
        pump = Executors.newSingleThreadExecutor();
        callers.put("alice-phone", state.login("alice", "phone", "alice-phone-token"));
        callers.put("alice-laptop", state.session("alice", "laptop", "alice-laptop-token"));
        callers.put("bob-phone", state.login("bob", "phone", "bob-phone-token"));
        state.createRoom("lobby", "alice");
        state.apply(org.raftchat.proto.v1.Command.newBuilder().setJoinRoom(
                org.raftchat.proto.v1.JoinRoom.newBuilder().setRoom("lobby").setUser("bob")).build());
    }

    private void serve(Limits limits) throws java.io.IOException {
        hub = new SubscriptionHub(state.machine, pump, limits);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(countingSends(subscribeService()), callerFromHeader())).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
            server.shutdownNow();
            hub.close();
        }
        pump.shutdownNow();
        state.close();
    }

    @Test
    void aSlowReaderGetsOnlyWhatItAskedForAndTheRestWhenItAsksAgain() throws Exception {
        // Goal: flow control holds for backfill pages and live messages alike: the server writes no message the
        // client has not asked for (in-process, isReady is exactly the client's outstanding demand), and a reader
        // that asks again gets the rest in order, without gap or duplicate.
        serve(Limits.defaults());
        state.post("lobby", "alice", 600);
        SlowReader reader = subscribe("alice-phone", lobby(), 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> reader.messages.size() == 1);
        settle();
        assertThat(sent.get()).as("messages the server wrote after the client asked for 1").isLessThanOrEqualTo(1);

        reader.request(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> reader.messages.size() == 11);
        state.post("lobby", "alice", 5);
        settle();
        assertThat(sent.get()).as("messages the server wrote after the client asked for 11").isLessThanOrEqualTo(11);

        reader.request(1_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> reader.messages.size() == 605);
        assertThat(reader.messages).extracting(ChatMessage::getSeq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 605).boxed().toList());
        assertThat(reader.error.get()).isNull();
    }

    @Test
    void oneSessionAndOneUserHoldAtMostTheirCapOfStreams() throws Exception {
        // Goal: past its cap a session (or a user over all their sessions) is refused with a LimitReached
        // detail and a message that says what to do; other users are not held back; a closed stream frees its slot.
        serve(Limits.defaults().withSubscriptionsPerSessionAndUser(2, 3));
        state.post("lobby", "alice", 1);
        SlowReader first = admitted(subscribe("alice-phone", lobby(), 1));
        admitted(subscribe("alice-phone", lobby(), 1));
        assertRefused(subscribe("alice-phone", lobby(), 1), "this session already holds 2 open subscriptions");
        admitted(subscribe("alice-laptop", lobby(), 1));
        assertRefused(subscribe("alice-laptop", lobby(), 1), "user 'alice' already holds 3 open subscriptions");
        admitted(subscribe("bob-phone", lobby(), 1));

        first.cancel();
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.openSubscriptions() == 3);
        admitted(subscribe("alice-laptop", lobby(), 1));
    }

    @Test
    void theHubForgetsConversationsNobodyStreamsAnyMore() throws Exception {
        // Goal: per-conversation (and per-session, per-user) entries go with their last stream, however it ends:
        // cancelled by the client, ended by the server, or refused.
        serve(Limits.defaults().withSubscriptionsPerSessionAndUser(100, 100));
        state.post("lobby", "alice", 1);
        List<SlowReader> readers = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            state.createRoom("room" + i, "alice");
            readers.add(subscribe("alice-phone", ConversationRef.newBuilder().setRoom("room" + i).build(), 1));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.openSubscriptions() == 50);
        assertThat(hub.indexedKeys()).isEqualTo(50 + 1 + 1);
        readers.forEach(SlowReader::cancel);
        SlowReader refused = subscribe("bob-phone", ConversationRef.newBuilder().setRoom("room0").build(), 1);
        assertThat(Status.fromThrowable(refused.awaitError()).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        SlowReader endedByServer = admitted(subscribe("bob-phone", lobby(), 1));
        state.logout("bob-phone-token");
        hub.onSessionsEnded(Set.of("bob"), false);
        endedByServer.awaitError();

        await().atMost(Duration.ofSeconds(10)).until(() -> hub.openSubscriptions() == 0);
        assertThat(hub.indexedKeys()).isZero();
    }

    @Test
    void aStreamEndsAsSoonAsItsSessionEndsEvenWhenItIsStalled() throws Exception {
        // Goal: told that a user's sessions may have ended (as ChatFsm does after a logout, revocation or password
        // change), the hub ends the streams of the ended session at once, UNAUTHENTICATED, even one whose reader
        // asked for nothing; the user's other sessions keep theirs. An expiry (any user) works alike.
        serve(Limits.defaults());
        state.post("lobby", "alice", 3);
        SlowReader stalled = subscribe("alice-phone", lobby(), 0);
        SlowReader other = admitted(subscribe("alice-laptop", lobby(), 1));
        SlowReader bob = admitted(subscribe("bob-phone", lobby(), 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.openSubscriptions() == 3);

        state.logout("alice-phone-token");
        hub.onSessionsEnded(Set.of("alice"), false);
        Throwable ended = stalled.awaitError();
        assertThat(Status.fromThrowable(ended).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(Status.fromThrowable(ended).getDescription()).contains("log in again");
        settle();
        assertThat(other.error.get()).isNull();
        assertThat(bob.error.get()).isNull();

        state.logout("bob-phone-token");
        hub.onSessionsEnded(Set.of(), true);
        assertThat(Status.fromThrowable(bob.awaitError()).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(other.error.get()).isNull();
    }

    @Test
    void everySubscriberGetsEachMessageOnceInOrderAndASlowOneHoldsNoOneBack() throws Exception {
        // Goal: fan-out: every stream of a conversation gets the backfill and then each live message, in seq order,
        // without gap or duplicate, however batches and wake-ups interleave; a reader that asks for nothing more
        // is paused, not buffered for, and the others go on; a stream of another conversation gets none of it.
        serve(Limits.defaults());
        state.createRoom("elsewhere", "alice");
        postLive("elsewhere", "alice", 1);
        postLive("lobby", "alice", 3);
        SlowReader phone = subscribe("alice-phone", lobby(), 1_000);
        SlowReader laptop = subscribe("alice-laptop", lobby(), 1_000);
        SlowReader slowBob = subscribe("bob-phone", lobby(), 2);
        SlowReader other = subscribe("alice-phone", ConversationRef.newBuilder().setRoom("elsewhere").build(), 1_000);
        for (int batch = 0; batch < 20; batch++) {
            postLive("lobby", batch % 2 == 0 ? "alice" : "bob", 1 + batch % 4);
        }
        long total = 3 + LongStream.range(0, 20).map(batch -> 1 + batch % 4).sum();

        await().atMost(Duration.ofSeconds(10)).until(() -> phone.messages.size() == total && laptop.messages.size() == total);
        List<Long> inOrder = LongStream.rangeClosed(1, total).boxed().toList();
        assertThat(phone.messages).extracting(ChatMessage::getSeq).containsExactlyElementsOf(inOrder);
        assertThat(laptop.messages).extracting(ChatMessage::getSeq).containsExactlyElementsOf(inOrder);
        settle();
        assertThat(slowBob.messages).extracting(ChatMessage::getSeq).containsExactly(1L, 2L);
        assertThat(other.messages).extracting(ChatMessage::getText).containsExactly("m1");
        assertThat(other.messages).allMatch(m -> m.getConversation().getRoom().equals("elsewhere"));

        slowBob.request(1_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> slowBob.messages.size() == total);
        assertThat(slowBob.messages).extracting(ChatMessage::getSeq).containsExactlyElementsOf(inOrder);
        assertThat(List.of(phone, laptop, slowBob, other)).allMatch(reader -> reader.error.get() == null);
    }

    @Test
    void aStreamResumedAfterASeqSendsOnlyWhatFollowsIt() throws Exception {
        // Goal: a client that saw up to seq 7 and resumes (on this node or another) gets 8, 9, 10 and then live
        // messages: nothing it has, nothing missing. Resuming at the end sends nothing until the next post.
        serve(Limits.defaults());
        postLive("lobby", "alice", 10);
        SlowReader resumed = subscribe("alice-phone", lobby(), 7, 1_000);
        SlowReader atTheEnd = subscribe("alice-laptop", lobby(), 10, 1_000);

        await().atMost(Duration.ofSeconds(10)).until(() -> resumed.messages.size() == 3);
        settle();
        assertThat(atTheEnd.messages).isEmpty();
        postLive("lobby", "bob", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> resumed.messages.size() == 4 && atTheEnd.messages.size() == 1);
        assertThat(resumed.messages).extracting(ChatMessage::getSeq).containsExactly(8L, 9L, 10L, 11L);
        assertThat(atTheEnd.messages).extracting(ChatMessage::getSeq, ChatMessage::getAuthor)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(11L, "bob"));
    }

    @Test
    void aReaderWhoLeavesTheRoomLosesItsStreamAndTheOthersKeepTheirs() throws Exception {
        // Goal: told a room lost readers (a leave, kick, ban or deletion), the hub ends the streams of those
        // who may no longer read it, PERMISSION_DENIED, and frees their slots; members keep streaming.
        serve(Limits.defaults());
        postLive("lobby", "alice", 1);
        SlowReader bob = admitted(subscribe("bob-phone", lobby(), 1_000));
        SlowReader alice = admitted(subscribe("alice-phone", lobby(), 1_000));

        state.apply(org.raftchat.proto.v1.Command.newBuilder().setLeaveRoom(
                org.raftchat.proto.v1.LeaveRoom.newBuilder().setRoom("lobby").setUser("bob")).build());
        hub.onRoomsShrunk(List.of("lobby"));

        Throwable ended = bob.awaitError();
        assertThat(Status.fromThrowable(ended).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Status.fromThrowable(ended).getDescription()).contains("bob is not a member of room 'lobby'");
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.openSubscriptions() == 1);
        postLive("lobby", "alice", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.messages.size() == 2);
        assertThat(alice.error.get()).isNull();
    }

    @Test
    void closingTheHubEndsEveryStreamUnavailableSoClientsResumeElsewhere() throws Exception {
        // Goal: a node that shuts down ends its streams with UNAVAILABLE (the status a client resumes on another
        // node after), stalled ones too, and refuses new ones the same way.
        serve(Limits.defaults());
        postLive("lobby", "alice", 1);
        SlowReader reading = admitted(subscribe("alice-phone", lobby(), 1_000));
        SlowReader stalled = subscribe("bob-phone", lobby(), 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.openSubscriptions() == 2);

        hub.close();

        for (SlowReader reader : List.of(reading, stalled)) {
            Throwable ended = reader.awaitError();
            assertThat(Status.fromThrowable(ended).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(Status.fromThrowable(ended).getDescription()).contains("use another node");
        }
        SlowReader late = subscribe("alice-laptop", lobby(), 1_000);
        assertThat(Status.fromThrowable(late.awaitError()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(late.messages).isEmpty();
    }

    /** Applies {@code count} posts as one batch and wakes the hub as ChatFsm does with the stored messages. */
    private void postLive(String room, String author, int count) {
        org.raftchat.proto.v1.Command[] posts = new org.raftchat.proto.v1.Command[count];
        for (int i = 0; i < count; i++) {
            posts[i] = org.raftchat.proto.v1.Command.newBuilder().setPostRoomMessage(org.raftchat.proto.v1.PostRoomMessage.newBuilder()
                    .setRoom(room).setAuthor(author).setText("m" + (i + 1))).build();
        }
        List<ChatMessage> stored = state.apply(posts).stream()
                .map(result -> ((org.raftchat.statemachine.ApplyResult.MessageStored) result).message()).toList();
        if (hub != null) {
            hub.onStored(stored);
        }
    }

    private SlowReader subscribe(String who, ConversationRef conversation, int initialRequest) {
        return subscribe(who, conversation, 0, initialRequest);
    }

    private SlowReader subscribe(String who, ConversationRef conversation, long afterSeq, int initialRequest) {
        SlowReader reader = new SlowReader(initialRequest);
        Metadata headers = new Metadata();
        headers.put(CALLER, who);
        ChatServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .subscribe(SubscribeRequest.newBuilder().setConversation(conversation).setAfterSeq(afterSeq).build(), reader);
        return reader;
    }

    /** An admitted stream gets the conversation's first message (the tests post one first). */
    private static SlowReader admitted(SlowReader reader) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !reader.messages.isEmpty() || reader.error.get() != null);
        assertThat(reader.error.get()).as("a stream that should be admitted").isNull();
        return reader;
    }

    private static void assertRefused(SlowReader reader, String why) {
        Throwable error = reader.awaitError();
        assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(StatusProto.fromThrowable(error).getDetailsList()).anyMatch(d -> d.is(LimitReached.class));
        assertThat(Status.fromThrowable(error).getDescription()).contains(why).contains("close another subscription");
    }

    private static void settle() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ConversationRef lobby() {
        return ConversationRef.newBuilder().setRoom("lobby").build();
    }

    /**
     * A Subscribe method that hands the stream to the hub, as ChatGrpcService does after its checks: the caller
     * whose name the client sent, the read-access check done in the hub's first pump.
     */
    private ServerServiceDefinition subscribeService() {
        return ServerServiceDefinition.builder(ChatServiceGrpc.SERVICE_NAME)
                .addMethod(ChatServiceGrpc.getSubscribeMethod(), ServerCalls.asyncServerStreamingCall((request, out) ->
                        hub.accept((ServerCallStreamObserver<ChatMessage>) out)
                                .start(request.getConversation(), request.getAfterSeq(), CURRENT.get())))
                .build();
    }

    private ServerInterceptor callerFromHeader() {
        return new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                Context context = Context.current().withValue(CURRENT, callers.get(headers.get(CALLER)));
                return Contexts.interceptCall(context, call, headers, next);
            }
        };
    }

    /** Counts the messages the server hands to the transport. */
    private ServerServiceDefinition countingSends(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(service, new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void sendMessage(A message) {
                        sent.incrementAndGet();
                        super.sendMessage(message);
                    }
                }, headers);
            }
        });
    }

    /** A client with manual flow control: it asks for messages only when told to. */
    static final class SlowReader extends StreamRecorder implements ClientResponseObserver<SubscribeRequest, ChatMessage> {
        private final int initial;
        private volatile ClientCallStreamObserver<SubscribeRequest> call;

        SlowReader(int initial) {
            this.initial = initial;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
            this.call = requestStream;
            requestStream.disableAutoRequestWithInitial(initial);
        }

        void request(int count) {
            call.request(count);
        }

        void cancel() {
            call.cancel("the client closes this subscription", null);
        }

        Throwable awaitError() {
            await().atMost(Duration.ofSeconds(10)).until(() -> error.get() != null);
            return error.get();
        }
    }
}
