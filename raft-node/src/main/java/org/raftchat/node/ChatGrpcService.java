package org.raftchat.node;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.ClusterInfo;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.CreateRoom;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.CreateRoomResponse;
import org.raftchat.proto.v1.GetClusterInfoRequest;
import org.raftchat.proto.v1.PostMessageResponse;
import org.raftchat.proto.v1.PostRoomMessage;
import org.raftchat.proto.v1.PostRoomMessageRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.raftchat.proto.v1.SendDirectMessage;
import org.raftchat.proto.v1.SendDirectMessageRequest;
import org.raftchat.proto.v1.SubscribeRequest;
import org.raftchat.statemachine.ApplyResult;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.HistoryPage;
import org.raftchat.statemachine.HistoryQuery;

/**
 * The client API of one node. Writes are validated, then proposed (leader only); reads wait for a
 * ReadIndex barrier and then read local state (any node); subscriptions are served from local
 * state by the {@link SubscriptionHub}.
 */
final class ChatGrpcService extends ChatServiceGrpc.ChatServiceImplBase {

    private final RequestValidator validator;
    private final Proposer proposer;
    private final LinearizableReads reads;
    private final ChatStateMachine stateMachine;
    private final SubscriptionHub subscriptions;
    private final Supplier<ClusterInfo> clusterInfo;
    /** Answers are sent from here, never from SOFAJRaft's FSM thread, which must keep applying. */
    private final Executor responseExecutor;

    ChatGrpcService(RequestValidator validator, Proposer proposer, LinearizableReads reads, ChatStateMachine stateMachine,
                    SubscriptionHub subscriptions, Supplier<ClusterInfo> clusterInfo, Executor responseExecutor) {
        this.validator = validator;
        this.proposer = proposer;
        this.reads = reads;
        this.stateMachine = stateMachine;
        this.subscriptions = subscriptions;
        this.clusterInfo = clusterInfo;
        this.responseExecutor = responseExecutor;
    }

    @Override
    public void createRoom(CreateRoomRequest request, StreamObserver<CreateRoomResponse> out) {
        answer(out, () -> {
            Command.Builder command = Command.newBuilder()
                    .setIdempotencyKey(validator.idempotencyKey(request.getIdempotencyKey()))
                    .setCreateRoom(CreateRoom.newBuilder()
                            .setRoom(validator.name("room", request.getRoom()))
                            .setCreator(validator.name("creator", request.getCreator())));
            return proposer.propose(command).thenApply(result -> {
                if (result instanceof ApplyResult.RoomCreated created) {
                    return CreateRoomResponse.newBuilder().setRoom(created.room()).setLogIndex(created.logIndex()).build();
                }
                throw unexpected(result);
            });
        });
    }

    @Override
    public void postRoomMessage(PostRoomMessageRequest request, StreamObserver<PostMessageResponse> out) {
        answer(out, () -> {
            Command.Builder command = Command.newBuilder()
                    .setIdempotencyKey(validator.idempotencyKey(request.getIdempotencyKey()))
                    .setPostRoomMessage(PostRoomMessage.newBuilder()
                            .setRoom(validator.name("room", request.getRoom()))
                            .setAuthor(validator.name("author", request.getAuthor()))
                            .setText(validator.text(request.getText())));
            return proposer.propose(command).thenApply(ChatGrpcService::messageStored);
        });
    }

    @Override
    public void sendDirectMessage(SendDirectMessageRequest request, StreamObserver<PostMessageResponse> out) {
        answer(out, () -> {
            validator.directPair(request.getSender(), request.getRecipient());
            Command.Builder command = Command.newBuilder()
                    .setIdempotencyKey(validator.idempotencyKey(request.getIdempotencyKey()))
                    .setSendDirectMessage(SendDirectMessage.newBuilder()
                            .setSender(request.getSender())
                            .setRecipient(request.getRecipient())
                            .setText(validator.text(request.getText())));
            return proposer.propose(command).thenApply(ChatGrpcService::messageStored);
        });
    }

    @Override
    public void readHistory(ReadHistoryRequest request, StreamObserver<ReadHistoryResponse> out) {
        answer(out, () -> {
            ConversationRef conversation = Conversations.canonical(validator.conversation(request.getConversation()));
            HistoryQuery query = historyQuery(request);
            // Read on our executor, not on SOFAJRaft's ReadIndex callback thread.
            return reads.barrier().thenApplyAsync(ready -> {
                requireRoomExists(conversation);
                HistoryPage page = stateMachine.history(conversation, query);
                return ReadHistoryResponse.newBuilder().addAllMessages(page.messages()).setLastSeq(page.lastSeq()).build();
            }, responseExecutor);
        });
    }

    @Override
    public void subscribe(SubscribeRequest request, StreamObserver<ChatMessage> out) {
        ServerCallStreamObserver<ChatMessage> stream = (ServerCallStreamObserver<ChatMessage>) out;
        ConversationRef conversation;
        long afterSeq;
        try {
            conversation = validator.conversation(request.getConversation());
            afterSeq = validator.sequence("after_seq", request.getAfterSeq());
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
            return;
        }
        SubscriptionHub.Subscription subscription = subscriptions.accept(stream);
        if (conversation.getKindCase() != ConversationRef.KindCase.ROOM) {
            subscription.start(conversation, afterSeq);
            return;
        }
        // A room must exist; ask linearizably so a lagging follower does not refuse a room that exists.
        reads.barrier().thenRunAsync(() -> requireRoomExists(conversation), responseExecutor).whenComplete((ok, error) -> {
            if (error != null) {
                subscription.fail(error);
            } else {
                subscription.start(conversation, afterSeq);
            }
        });
    }

    @Override
    public void getClusterInfo(GetClusterInfoRequest request, StreamObserver<ClusterInfo> out) {
        out.onNext(clusterInfo.get());
        out.onCompleted();
    }

    private void requireRoomExists(ConversationRef conversation) {
        if (conversation.getKindCase() == ConversationRef.KindCase.ROOM && stateMachine.room(conversation.getRoom()).isEmpty()) {
            throw GrpcErrors.roomNotFound(conversation.getRoom());
        }
    }

    private HistoryQuery historyQuery(ReadHistoryRequest request) {
        int limit = validator.historyLimit(request.getLimit());
        return switch (request.getAnchorCase()) {
            case BEFORE_SEQ -> new HistoryQuery.Before(validator.sequence("before_seq", request.getBeforeSeq()), limit);
            case AFTER_SEQ -> new HistoryQuery.After(validator.sequence("after_seq", request.getAfterSeq()), limit);
            case ANCHOR_NOT_SET -> new HistoryQuery.Latest(limit);
        };
    }

    private static PostMessageResponse messageStored(ApplyResult result) {
        if (result instanceof ApplyResult.MessageStored stored) {
            return PostMessageResponse.newBuilder().setMessage(stored.message()).build();
        }
        throw unexpected(result);
    }

    /** Rejections are answers with a status; any other result for a fresh proposal is a bug. */
    private static RuntimeException unexpected(ApplyResult result) {
        if (result instanceof ApplyResult.Rejected rejected) {
            return GrpcErrors.rejected(rejected);
        }
        return new IllegalStateException("unexpected apply result " + result);
    }

    /**
     * Runs a call: validation errors answer at once, everything else when the future completes, on
     * the thread that completes it (the apply thread for writes, the read executor for reads):
     * serializing one response there is cheaper than waking another thread to do it.
     */
    private <T> void answer(StreamObserver<T> out, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
            return;
        }
        result.whenComplete((value, error) -> {
            if (error != null) {
                out.onError(GrpcErrors.toStatus(error));
            } else {
                out.onNext(value);
                out.onCompleted();
            }
        });
    }
}
