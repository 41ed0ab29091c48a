package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.code;
import static org.raftchat.node.testing.Api.createRoom;
import static org.raftchat.node.testing.Api.post;
import static org.raftchat.node.testing.Api.room;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.config.Defaults;
import org.raftchat.node.testing.Api;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceStub;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.DirectPair;
import org.raftchat.proto.v1.PostMessageResponse;
import org.raftchat.proto.v1.PostRoomMessageRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.SendDirectMessageRequest;

class ReplicationIT {

    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3);
    ChatServiceBlockingStub leader;
    final java.util.Map<String, TestSession> sessions = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeEach
    void stubOnLeader() {
        leader = cluster.blockingStub(cluster.awaitLeader().id());
    }

    @Test
    void concurrentWritesAreGroupedIntoSharedEntriesAndEachIsStoredOnce() throws Exception {
        // Goal: writes that queue up on the leader together go out as one log entry (group commit), and
        // grouping changes nothing a client sees: every write is acknowledged with its own message, the
        // seqs are dense, and every replica holds the same history.
        createRoom(leader, "lobby");
        ChatServiceStub async = cluster.asyncStub(cluster.awaitLeader().id());
        List<CompletableFuture<ChatMessage>> answers = IntStream.rangeClosed(1, 300)
                .mapToObj(i -> postAsync(async, "lobby", "burst " + i)).toList();
        List<ChatMessage> acked = new ArrayList<>();
        for (CompletableFuture<ChatMessage> answer : answers) {
            acked.add(answer.get(30, TimeUnit.SECONDS));
        }

        assertThat(acked).extracting(ChatMessage::getText).doesNotHaveDuplicates().hasSize(300);
        assertThat(acked).extracting(ChatMessage::getSeq).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 300).boxed().toList());
        Map<Long, Long> messagesPerEntry = acked.stream().collect(Collectors.groupingBy(ChatMessage::getLogIndex, Collectors.counting()));
        assertThat(messagesPerEntry.values()).as("messages per log entry").anyMatch(count -> count > 1);
        List<ChatMessage> history = allMessages(leader, "lobby");
        assertThat(history).containsExactlyInAnyOrderElementsOf(acked);
        assertThat(history).extracting(ChatMessage::getLogIndex).isSorted();
        for (RaftChatNode follower : cluster.followers()) {
            assertThat(allMessages(cluster.blockingStub(follower.id()), "lobby")).containsExactlyElementsOf(history);
        }
    }

    private static CompletableFuture<ChatMessage> postAsync(ChatServiceStub stub, String room, String text) {
        CompletableFuture<ChatMessage> answer = new CompletableFuture<>();
        stub.postRoomMessage(PostRoomMessageRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
                .setRoom(room).setText(text).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(PostMessageResponse response) {
                        answer.complete(response.getMessage());
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        return answer;
    }

    @Test
    void privateMessagesOfBothDirectionsShareOneConversation() {
        // Goal: alice->bob and bob->alice are one conversation with one sequence, readable by pair in any order.
        send("alice", "bob", "hi bob");
        send("bob", "alice", "hi alice");
        ConversationRef reversed = ConversationRef.newBuilder()
                .setDirect(DirectPair.newBuilder().setUserA("bob").setUserB("alice")).build();

        List<ChatMessage> history = as("bob", cluster.followers().get(0).id())
                .readHistory(ReadHistoryRequest.newBuilder().setConversation(reversed).build()).getMessagesList();

        assertThat(history).extracting(ChatMessage::getSeq, ChatMessage::getAuthor, ChatMessage::getText)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, "alice", "hi bob"),
                        org.assertj.core.groups.Tuple.tuple(2L, "bob", "hi alice"));
    }

    @Test
    void historyPagesBackwardAndForward() {
        // Goal: before/after anchors and limits select the right slice, oldest first.
        createRoom(leader, "lobby");
        IntStream.rangeClosed(1, 10).forEach(i -> post(leader, "lobby", "m" + i));

        assertThat(page(ReadHistoryRequest.newBuilder().setConversation(room("lobby")).setBeforeSeq(8).setLimit(3)))
                .containsExactly(5L, 6L, 7L);
        assertThat(page(ReadHistoryRequest.newBuilder().setConversation(room("lobby")).setAfterSeq(8).setLimit(5)))
                .containsExactly(9L, 10L);
        assertThat(page(ReadHistoryRequest.newBuilder().setConversation(room("lobby")).setLimit(2)))
                .containsExactly(9L, 10L);
    }

    @Test
    void aWriteOnAFollowerIsRefusedWithTheLeadersAddress() {
        // Goal: followers never propose; they tell the client where the leader is.
        createRoom(leader, "lobby");
        RaftChatNode follower = cluster.followers().get(0);

        Throwable refused = catchThrowable(() -> post(cluster.blockingStub(follower.id()), "lobby", "hi"));

        assertThat(code(refused)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Api.leaderHint(refused)).isEqualTo(cluster.apiAddress(cluster.awaitLeader().id()));
        assertThat(allMessages(leader, "lobby")).isEmpty();
    }

    @Test
    void badInputGetsAClearErrorAndStoresNothing() {
        // Goal: unknown rooms, empty, oversized or malformed input are refused and change no conversation.
        createRoom(leader, "lobby");
        post(leader, "lobby", "the only message");

        assertRefused(() -> post(leader, "nowhere", "hi"), Status.Code.NOT_FOUND, "room 'nowhere' does not exist");
        assertRefused(() -> post(leader, "lobby", "   "), Status.Code.INVALID_ARGUMENT, "text: must not be empty");
        assertRefused(() -> post(leader, "lobby", "x".repeat(Defaults.MAX_MESSAGE_BYTES + 1)), Status.Code.INVALID_ARGUMENT, "over the limit");
        assertRefused(() -> post(leader, "bad room!", "hi"), Status.Code.INVALID_ARGUMENT, "not a valid name");
        assertRefused(() -> post(leader, "lobby", "hi", ""), Status.Code.INVALID_ARGUMENT, "idempotency_key");
        assertRefused(() -> createRoom(leader, "lobby"), Status.Code.ALREADY_EXISTS, "lobby");
        assertRefused(() -> send("alice", "alice", "me"), Status.Code.INVALID_ARGUMENT, "two different users");
        assertRefused(() -> page(ReadHistoryRequest.newBuilder().setConversation(room("lobby")).setLimit(5000)),
                Status.Code.INVALID_ARGUMENT, "limit");
        assertRefused(() -> page(ReadHistoryRequest.newBuilder().setConversation(room("nowhere"))), Status.Code.NOT_FOUND, "nowhere");
        assertRefused(() -> page(ReadHistoryRequest.newBuilder()), Status.Code.INVALID_ARGUMENT, "conversation: required");

        assertThat(allMessages(leader, "lobby")).extracting(ChatMessage::getText).containsExactly("the only message");
    }

    private void assertRefused(Runnable call, Status.Code code, String messagePart) {
        assertThatThrownBy(call::run).satisfies(t -> {
            assertThat(code(t)).isEqualTo(code);
            assertThat(t.getMessage()).contains(messagePart);
        });
    }

    private List<Long> page(ReadHistoryRequest.Builder request) {
        return leader.readHistory(request.build()).getMessagesList().stream().map(ChatMessage::getSeq).toList();
    }

    /** Sends as {@code from}, whose session is opened (and account registered) on first use. */
    private void send(String from, String to, String text) {
        sessions.computeIfAbsent(from, u -> new TestSession(cluster, u)).token();
        sessions.computeIfAbsent(to, u -> new TestSession(cluster, u)).token();
        leader.withCallCredentials(sessions.get(from)).sendDirectMessage(SendDirectMessageRequest.newBuilder()
                .setIdempotencyKey(java.util.UUID.randomUUID().toString()).setRecipient(to).setText(text).build());
    }

    private ChatServiceBlockingStub as(String user, String nodeId) {
        return cluster.anonymousStub(nodeId).withCallCredentials(sessions.computeIfAbsent(user, u -> new TestSession(cluster, u)));
    }
}
