package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status.Code;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.config.Limits;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.CreateRoom;
import org.raftchat.proto.v1.ListMembersRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.raftchat.proto.v1.ReceiveQueueRequest;
import org.raftchat.proto.v1.SearchHistoryRequest;
import org.raftchat.proto.v1.StreamQueueRequest;
import org.raftchat.proto.v1.SubscribeRequest;

/** The one path every read takes, over a real local state and a barrier the test completes by hand. */
class ReadPathTest {

    @TempDir
    Path dir;

    private LocalState state;
    private ReadRoutes routes;
    private Caller ann;
    private Caller bob;
    private Caller serving;
    private final AtomicInteger callerLookups = new AtomicInteger();
    private final CompletableFuture<Void> barrier = new CompletableFuture<>();
    private final AtomicInteger barriers = new AtomicInteger();
    private final Queue<Runnable> executor = new ArrayDeque<>();
    private ReadPath path;

    @BeforeEach
    void setUp() {
        state = new LocalState(dir);
        ann = state.login("ann", "laptop", "ann-token");
        bob = state.login("bob", "phone", "bob-token");
        state.createRoom("team", "ann");
        state.post("team", "ann", 2);
        routes = new ReadRoutes(new RequestValidator(Limits.defaults()), state.machine);
        path = new ReadPath(() -> {
            callerLookups.incrementAndGet();
            return CompletableFuture.completedFuture(serving);
        }, () -> {
            barriers.incrementAndGet();
            return barrier;
        }, token -> state.machine.session(token).isPresent(), executor::add);
    }

    @AfterEach
    void tearDown() {
        state.close();
    }

    @Test
    void aReadWaitsForTheBarrierThenReadsOnTheExecutorAsTheCaller() throws Exception {
        serving = ann;
        CompletableFuture<ReadHistoryResponse> answer = path.read(routes.readHistory(history(room("team"))));

        assertThat(answer).isNotDone();
        barrier.complete(null);
        assertThat(answer).isNotDone();
        runExecutor();

        // As a client receives it: the answer carries the stored messages in their wire form (ReadRoutes.historyResponse).
        assertThat(ReadHistoryResponse.parseFrom(answer.join().toByteArray()).getMessagesList())
                .extracting(ChatMessage::getText).contains("m1", "m2");
    }

    @Test
    void aSessionThatEndedBeforeTheBarrierCompletedGetsNoRead() {
        serving = ann;
        CompletableFuture<ReadHistoryResponse> answer = path.read(routes.readHistory(history(room("team"))));

        state.logout("ann-token");
        barrier.complete(null);
        runExecutor();

        assertThat(statusOf(answer)).isEqualTo(Code.UNAUTHENTICATED);
    }

    @Test
    void aNonMemberMayNotReadTheRoom() {
        serving = bob;
        CompletableFuture<ReadHistoryResponse> answer = path.read(routes.readHistory(history(room("team"))));
        barrier.complete(null);
        runExecutor();

        assertThat(statusOf(answer)).isEqualTo(Code.PERMISSION_DENIED);
    }

    @Test
    void badInputIsRefusedBeforeTheSessionOrTheBarrier() {
        assertThatThrownBy(() -> routes.readHistory(ReadHistoryRequest.getDefaultInstance()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("conversation");
        assertThatThrownBy(() -> routes.readHistory(history(room("team")).toBuilder().setLimit(-1).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> routes.listMembers(ListMembersRequest.newBuilder().setRoom("no room").build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("room");
        assertThatThrownBy(() -> routes.searchHistory(SearchHistoryRequest.newBuilder().setConversation(room("team"))
                .setPhrase(" ").build())).isInstanceOf(InvalidRequestException.class).hasMessageContaining("phrase");
        assertThatThrownBy(() -> routes.receiveQueue(ReceiveQueueRequest.newBuilder().setRoom("jobs").setLimit(-5).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("limit");

        assertThat(callerLookups).hasValue(0);
        assertThat(barriers).hasValue(0);
    }

    @Test
    void aStreamChecksItsRequestAtOnceAndItsAccessAsTheCaller() {
        state.apply(Command.newBuilder().setCreateRoom(CreateRoom.newBuilder().setRoom("jobs").setCreator("ann").setQueue(true))
                .build());

        assertThatThrownBy(() -> routes.subscribe(SubscribeRequest.newBuilder().setConversation(room("team")).setAfterSeq(-1).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("after_seq");
        ReadPath.Reader<?> subscribe = routes.subscribe(SubscribeRequest.newBuilder().setConversation(room("team")).build());
        assertThat(subscribe.read(ann)).isNotNull();
        assertThatThrownBy(() -> subscribe.read(bob)).hasMessageContaining("not a member");

        assertThatThrownBy(() -> routes.streamQueue(StreamQueueRequest.newBuilder().setRoom("team").build()).read(ann))
                .hasMessageContaining("not a work queue");
        assertThatThrownBy(() -> routes.streamQueue(StreamQueueRequest.newBuilder().setRoom("jobs").build()).read(ann))
                .hasMessageContaining("start consuming first");
    }

    private void runExecutor() {
        for (Runnable task = executor.poll(); task != null; task = executor.poll()) {
            task.run();
        }
    }

    private static Code statusOf(CompletableFuture<?> answer) {
        try {
            answer.join();
            return Code.OK;
        } catch (RuntimeException e) {
            return GrpcErrors.toStatus(e).getStatus().getCode();
        }
    }

    private static ReadHistoryRequest history(ConversationRef conversation) {
        return ReadHistoryRequest.newBuilder().setConversation(conversation).build();
    }

    private static ConversationRef room(String name) {
        return ConversationRef.newBuilder().setRoom(name).build();
    }
}
