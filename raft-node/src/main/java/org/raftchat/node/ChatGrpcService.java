package org.raftchat.node;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.raftchat.config.Limits;
import org.raftchat.proto.v1.ChangePasswordRequest;
import org.raftchat.proto.v1.ChangePasswordResponse;
import org.raftchat.proto.v1.ListSessionsRequest;
import org.raftchat.proto.v1.ListSessionsResponse;
import org.raftchat.proto.v1.LogoutAllRequest;
import org.raftchat.proto.v1.LogoutAllResponse;
import org.raftchat.proto.v1.RevokeSessionRequest;
import org.raftchat.proto.v1.RevokeSessionResponse;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.FriendRequest;
import org.raftchat.proto.v1.FriendResponse;
import org.raftchat.proto.v1.HeartbeatRequest;
import org.raftchat.proto.v1.HeartbeatResponse;
import org.raftchat.proto.v1.ListFriendsRequest;
import org.raftchat.proto.v1.ListFriendsResponse;
import org.raftchat.proto.v1.ListOnlineRequest;
import org.raftchat.proto.v1.ListOnlineResponse;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.ClusterInfo;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.CreateRoomResponse;
import org.raftchat.proto.v1.DeleteMessageRequest;
import org.raftchat.proto.v1.DeleteRoomRequest;
import org.raftchat.proto.v1.DeleteRoomResponse;
import org.raftchat.proto.v1.EditMessageRequest;
import org.raftchat.proto.v1.GetClusterInfoRequest;
import org.raftchat.proto.v1.GetUnreadRequest;
import org.raftchat.proto.v1.GetUnreadResponse;
import org.raftchat.proto.v1.JoinRoomRequest;
import org.raftchat.proto.v1.LeaveRoomRequest;
import org.raftchat.proto.v1.ListMembersRequest;
import org.raftchat.proto.v1.ListMembersResponse;
import org.raftchat.proto.v1.ListRoomsRequest;
import org.raftchat.proto.v1.ListRoomsResponse;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.LoginResponse;
import org.raftchat.proto.v1.LogoutRequest;
import org.raftchat.proto.v1.LogoutResponse;
import org.raftchat.proto.v1.MarkReadRequest;
import org.raftchat.proto.v1.MarkReadResponse;
import org.raftchat.proto.v1.PostMessageResponse;
import org.raftchat.proto.v1.PostRoomMessageRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.raftchat.proto.v1.AckQueueMessageRequest;
import org.raftchat.proto.v1.AckQueueMessageResponse;
import org.raftchat.proto.v1.ConsumeRequest;
import org.raftchat.proto.v1.ConsumeResponse;
import org.raftchat.proto.v1.GetQueueStatusRequest;
import org.raftchat.proto.v1.NackQueueMessageRequest;
import org.raftchat.proto.v1.NackQueueMessageResponse;
import org.raftchat.proto.v1.QueueDelivery;
import org.raftchat.proto.v1.StreamQueueRequest;
import org.raftchat.proto.v1.QueueStatus;
import org.raftchat.proto.v1.ReceiveQueueRequest;
import org.raftchat.proto.v1.ReceiveQueueResponse;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.proto.v1.RegisterResponse;
import org.raftchat.proto.v1.RoomMembershipResponse;
import org.raftchat.proto.v1.SendDirectMessageRequest;
import org.raftchat.proto.v1.SetNicknameRequest;
import org.raftchat.proto.v1.SetNicknameResponse;
import org.raftchat.proto.v1.SubscribeRequest;
import org.raftchat.statemachine.ApplyResult;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.RoomInfo;
import org.raftchat.proto.v1.ModerationRequest;
import org.raftchat.proto.v1.ModerationResponse;
import org.raftchat.proto.v1.RoomSettingsResponse;
import org.raftchat.proto.v1.SearchHistoryRequest;
import org.raftchat.proto.v1.SearchHistoryResponse;
import org.raftchat.proto.v1.SetAwayRequest;
import org.raftchat.proto.v1.SetAwayResponse;
import org.raftchat.proto.v1.SetRoomInviteOnlyRequest;
import org.raftchat.proto.v1.SetRoomTopicRequest;

/**
 * The client API of one node: a list of routes. Every call but Register, Login and GetClusterInfo
 * first resolves the caller's session ({@link Authenticator}); the caller's name, never a request
 * field, is the author, owner or reader. A write is one {@link WriteRoute} (all in {@link WriteRoutes})
 * served by the one {@link WritePath}: validated, keyed as the caller's idempotency key for this
 * request ({@link IdempotencyStamp}), proposed (leader only), its applied result turned into the
 * answer. The writes that cannot go that way (register, log in, change password, heartbeat) are
 * {@link OwnWayRoutes}, answered the same way. A read is a {@link ReadRoutes}
 * method served by the one {@link ReadPath}: it waits for a ReadIndex barrier and then reads local
 * state (any node). Subscriptions are served from local state by the {@link SubscriptionHub}.
 */
final class ChatGrpcService extends ChatServiceGrpc.ChatServiceImplBase {

    private final LinearizableReads reads;
    private final ChatStateMachine stateMachine;
    private final SubscriptionHub subscriptions;
    private final Supplier<ClusterInfo> clusterInfo;
    private final Authenticator authenticator;
    private final OwnWayRoutes ownWay;
    private final WriteRoutes writeRoutes;
    private final WritePath writePath;
    private final ReadRoutes readRoutes;
    private final ReadPath readPath;
    /** Reads and subscription checks run here after their barrier, off SOFAJRaft's callback thread (see {@link #answer}). */
    private final Executor responseExecutor;

    ChatGrpcService(RequestValidator validator, Proposer proposer, LinearizableReads reads, ChatStateMachine stateMachine,
                    SubscriptionHub subscriptions, Supplier<ClusterInfo> clusterInfo, Authenticator authenticator,
                    OwnWayRoutes ownWay, LeaderGate leaderGate, Limits limits, Executor responseExecutor) {
        this.reads = reads;
        this.stateMachine = stateMachine;
        this.subscriptions = subscriptions;
        this.clusterInfo = clusterInfo;
        this.authenticator = authenticator;
        this.ownWay = ownWay;
        this.writeRoutes = new WriteRoutes(validator, limits,
                room -> stateMachine.room(room).map(RoomInfo::description).orElse(""));
        this.writePath = new WritePath(validator, new IdempotencyStamp(limits.idempotencyWindowMs()), leaderGate,
                authenticator::caller, proposer::propose);
        this.readRoutes = new ReadRoutes(validator, stateMachine);
        this.readPath = new ReadPath(authenticator::caller, reads, token -> stateMachine.session(token).isPresent(),
                responseExecutor);
        this.responseExecutor = responseExecutor;
    }

    // ---- accounts ----

    @Override
    public void register(RegisterRequest request, StreamObserver<RegisterResponse> out) {
        write(ownWay.register, request, out);
    }

    @Override
    public void login(LoginRequest request, StreamObserver<LoginResponse> out) {
        write(ownWay.login, request, out);
    }

    @Override
    public void logout(LogoutRequest request, StreamObserver<LogoutResponse> out) {
        write(writeRoutes.logout, request, out);
    }

    @Override
    public void setNickname(SetNicknameRequest request, StreamObserver<SetNicknameResponse> out) {
        write(writeRoutes.setNickname, request, out);
    }

    // ---- sessions ----

    @Override
    public void listSessions(ListSessionsRequest request, StreamObserver<ListSessionsResponse> out) {
        read(out, () -> readRoutes.listSessions(request));
    }

    @Override
    public void revokeSession(RevokeSessionRequest request, StreamObserver<RevokeSessionResponse> out) {
        write(writeRoutes.revokeSession, request, out);
    }

    @Override
    public void logoutAll(LogoutAllRequest request, StreamObserver<LogoutAllResponse> out) {
        write(writeRoutes.logoutAll, request, out);
    }

    @Override
    public void changePassword(ChangePasswordRequest request, StreamObserver<ChangePasswordResponse> out) {
        write(ownWay.changePassword, request, out);
    }

    // ---- rooms ----

    @Override
    public void createRoom(CreateRoomRequest request, StreamObserver<CreateRoomResponse> out) {
        write(writeRoutes.createRoom, request, out);
    }

    @Override
    public void listRooms(ListRoomsRequest request, StreamObserver<ListRoomsResponse> out) {
        read(out, () -> readRoutes.listRooms(request));
    }

    @Override
    public void joinRoom(JoinRoomRequest request, StreamObserver<RoomMembershipResponse> out) {
        write(writeRoutes.joinRoom, request, out);
    }

    @Override
    public void leaveRoom(LeaveRoomRequest request, StreamObserver<RoomMembershipResponse> out) {
        write(writeRoutes.leaveRoom, request, out);
    }

    @Override
    public void listMembers(ListMembersRequest request, StreamObserver<ListMembersResponse> out) {
        read(out, () -> readRoutes.listMembers(request));
    }

    @Override
    public void deleteRoom(DeleteRoomRequest request, StreamObserver<DeleteRoomResponse> out) {
        write(writeRoutes.deleteRoom, request, out);
    }

    // ---- messages ----

    @Override
    public void postRoomMessage(PostRoomMessageRequest request, StreamObserver<PostMessageResponse> out) {
        write(writeRoutes.postRoomMessage, request, out);
    }

    @Override
    public void sendDirectMessage(SendDirectMessageRequest request, StreamObserver<PostMessageResponse> out) {
        write(writeRoutes.sendDirectMessage, request, out);
    }

    @Override
    public void readHistory(ReadHistoryRequest request, StreamObserver<ReadHistoryResponse> out) {
        read(out, () -> readRoutes.readHistory(request));
    }

    @Override
    public void subscribe(SubscribeRequest request, StreamObserver<ChatMessage> out) {
        openStream(out, () -> readRoutes.subscribe(request), subscriptions::accept);
    }

    // ---- read positions ----

    @Override
    public void getUnread(GetUnreadRequest request, StreamObserver<GetUnreadResponse> out) {
        read(out, () -> readRoutes.getUnread(request));
    }

    @Override
    public void markRead(MarkReadRequest request, StreamObserver<MarkReadResponse> out) {
        write(writeRoutes.markRead, request, out);
    }

    // ---- presence and friends ----

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> out) {
        write(ownWay.heartbeat, request, out);
    }

    @Override
    public void listOnline(ListOnlineRequest request, StreamObserver<ListOnlineResponse> out) {
        read(out, () -> readRoutes.listOnline(request));
    }

    @Override
    public void addFriend(FriendRequest request, StreamObserver<FriendResponse> out) {
        write(writeRoutes.addFriend, request, out);
    }

    @Override
    public void removeFriend(FriendRequest request, StreamObserver<FriendResponse> out) {
        write(writeRoutes.removeFriend, request, out);
    }

    @Override
    public void listFriends(ListFriendsRequest request, StreamObserver<ListFriendsResponse> out) {
        read(out, () -> readRoutes.listFriends(request));
    }

    // ---- edits and deletes ----

    @Override
    public void editMessage(EditMessageRequest request, StreamObserver<PostMessageResponse> out) {
        write(writeRoutes.editMessage, request, out);
    }

    @Override
    public void deleteMessage(DeleteMessageRequest request, StreamObserver<PostMessageResponse> out) {
        write(writeRoutes.deleteMessage, request, out);
    }

    @Override
    public void getClusterInfo(GetClusterInfoRequest request, StreamObserver<ClusterInfo> out) {
        out.onNext(clusterInfo.get());
        out.onCompleted();
    }

    // ---- work-queue rooms ----

    @Override
    public void startConsuming(ConsumeRequest request, StreamObserver<ConsumeResponse> out) {
        write(writeRoutes.startConsuming, request, out);
    }

    @Override
    public void stopConsuming(ConsumeRequest request, StreamObserver<ConsumeResponse> out) {
        write(writeRoutes.stopConsuming, request, out);
    }

    @Override
    public void receiveQueue(ReceiveQueueRequest request, StreamObserver<ReceiveQueueResponse> out) {
        read(out, () -> readRoutes.receiveQueue(request));
    }

    @Override
    public void ackQueueMessage(AckQueueMessageRequest request, StreamObserver<AckQueueMessageResponse> out) {
        write(writeRoutes.ackQueueMessage, request, out);
    }

    @Override
    public void nackQueueMessage(NackQueueMessageRequest request, StreamObserver<NackQueueMessageResponse> out) {
        write(writeRoutes.nackQueueMessage, request, out);
    }

    @Override
    public void streamQueue(StreamQueueRequest request, StreamObserver<QueueDelivery> out) {
        openStream(out, () -> readRoutes.streamQueue(request), subscriptions::acceptQueue);
    }

    @Override
    public void getQueueStatus(GetQueueStatusRequest request, StreamObserver<QueueStatus> out) {
        read(out, () -> readRoutes.getQueueStatus(request));
    }

    // ---- moderation, away, search ----

    @Override
    public void setRoomTopic(SetRoomTopicRequest request, StreamObserver<RoomSettingsResponse> out) {
        write(writeRoutes.setRoomTopic, request, out);
    }

    @Override
    public void setRoomInviteOnly(SetRoomInviteOnlyRequest request, StreamObserver<RoomSettingsResponse> out) {
        write(writeRoutes.setRoomInviteOnly, request, out);
    }

    @Override
    public void inviteToRoom(ModerationRequest request, StreamObserver<ModerationResponse> out) {
        write(writeRoutes.inviteToRoom, request, out);
    }

    @Override
    public void kickFromRoom(ModerationRequest request, StreamObserver<ModerationResponse> out) {
        write(writeRoutes.kickFromRoom, request, out);
    }

    @Override
    public void banFromRoom(ModerationRequest request, StreamObserver<ModerationResponse> out) {
        write(writeRoutes.banFromRoom, request, out);
    }

    @Override
    public void unbanFromRoom(ModerationRequest request, StreamObserver<ModerationResponse> out) {
        write(writeRoutes.unbanFromRoom, request, out);
    }

    @Override
    public void setAway(SetAwayRequest request, StreamObserver<SetAwayResponse> out) {
        write(writeRoutes.setAway, request, out);
    }

    @Override
    public void searchHistory(SearchHistoryRequest request, StreamObserver<SearchHistoryResponse> out) {
        read(out, () -> readRoutes.searchHistory(request));
    }

    // ---- helpers ----

    /** Serves a read the one way every read goes ({@link ReadPath}): the route checks the request at once. */
    private <A> void read(StreamObserver<A> out, Supplier<ReadPath.Reader<A>> route) {
        answer(out, () -> readPath.read(route.get()));
    }

    /**
     * Opens a stream: the route checks its request at once, then the caller's access after a read
     * barrier (so a lagging follower does not refuse a room, a membership or a consumer that exists),
     * on the response executor; the stream then starts as the caller, or fails with the refusal.
     */
    private <T, S extends SubscriptionHub.PagedStream<T>> void openStream(
            StreamObserver<T> out, Supplier<ReadPath.Reader<Consumer<S>>> route, Function<ServerCallStreamObserver<T>, S> accept) {
        ReadPath.Reader<Consumer<S>> access;
        CompletableFuture<Caller> caller;
        try {
            access = route.get();
            caller = authenticator.caller();
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
            return;
        }
        S stream = accept.apply((ServerCallStreamObserver<T>) out);
        caller.thenCompose(c -> reads.barrier().thenApplyAsync(ready -> access.read(c), responseExecutor))
                .whenComplete((start, error) -> {
                    if (error != null) {
                        stream.fail(error);
                    } else {
                        start.accept(stream);
                    }
                });
    }

    /** Serves a write the one way every write goes ({@link WritePath}), as its route says. */
    private <Q, R extends ApplyResult, A> void write(WriteRoute<Q, R, A> route, Q request, StreamObserver<A> out) {
        answer(out, () -> writePath.write(route, request));
    }

    /** Serves a write that goes its own way ({@link OwnWayRoutes}), answered like every other. */
    private <Q, A> void write(OwnWayRoute<Q, ?, ?, A> route, Q request, StreamObserver<A> out) {
        answer(out, () -> route.serve(request));
    }

    /**
     * Runs a call: validation errors answer at once, everything else when the future completes, on
     * the thread that completes it. For a write that is normally SOFAJRaft's FSM thread, which
     * completes the proposal right after applying its entry (a failed proposal: SOFAJRaft's thread,
     * the proposer's timeout sweep or the call's own); for a read, the response executor. Serializing
     * one response on the apply thread is cheaper than waking another thread to do it.
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
