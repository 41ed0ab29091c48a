package org.raftchat.node;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.raftchat.config.Limits;
import org.raftchat.proto.v1.AddFriend;
import org.raftchat.proto.v1.ChangePasswordRequest;
import org.raftchat.proto.v1.ChangePasswordResponse;
import org.raftchat.proto.v1.ListSessionsRequest;
import org.raftchat.proto.v1.ListSessionsResponse;
import org.raftchat.proto.v1.LogoutAllRequest;
import org.raftchat.proto.v1.LogoutAllResponse;
import org.raftchat.proto.v1.RevokeSessionRequest;
import org.raftchat.proto.v1.RevokeSessionResponse;
import org.raftchat.proto.v1.SessionSummary;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.Friend;
import org.raftchat.proto.v1.FriendRequest;
import org.raftchat.proto.v1.FriendResponse;
import org.raftchat.proto.v1.Heartbeat;
import org.raftchat.proto.v1.HeartbeatRequest;
import org.raftchat.proto.v1.HeartbeatResponse;
import org.raftchat.proto.v1.ListFriendsRequest;
import org.raftchat.proto.v1.ListFriendsResponse;
import org.raftchat.proto.v1.ListOnlineRequest;
import org.raftchat.proto.v1.ListOnlineResponse;
import org.raftchat.proto.v1.RemoveFriend;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.ClusterInfo;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.CreateRoom;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.CreateRoomResponse;
import org.raftchat.proto.v1.DeleteMessage;
import org.raftchat.proto.v1.DeleteMessageRequest;
import org.raftchat.proto.v1.DeleteRoom;
import org.raftchat.proto.v1.DeleteRoomRequest;
import org.raftchat.proto.v1.DeleteRoomResponse;
import org.raftchat.proto.v1.EditMessage;
import org.raftchat.proto.v1.EditMessageRequest;
import org.raftchat.proto.v1.GetClusterInfoRequest;
import org.raftchat.proto.v1.GetUnreadRequest;
import org.raftchat.proto.v1.GetUnreadResponse;
import org.raftchat.proto.v1.JoinRoom;
import org.raftchat.proto.v1.JoinRoomRequest;
import org.raftchat.proto.v1.LeaveRoom;
import org.raftchat.proto.v1.LeaveRoomRequest;
import org.raftchat.proto.v1.ListMembersRequest;
import org.raftchat.proto.v1.ListMembersResponse;
import org.raftchat.proto.v1.ListRoomsRequest;
import org.raftchat.proto.v1.ListRoomsResponse;
import org.raftchat.proto.v1.LoginRequest;
import org.raftchat.proto.v1.LoginResponse;
import org.raftchat.proto.v1.LogoutRequest;
import org.raftchat.proto.v1.LogoutResponse;
import org.raftchat.proto.v1.MarkRead;
import org.raftchat.proto.v1.MarkReadRequest;
import org.raftchat.proto.v1.MarkReadResponse;
import org.raftchat.proto.v1.PostMessageResponse;
import org.raftchat.proto.v1.PostRoomMessage;
import org.raftchat.proto.v1.PostRoomMessageRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.raftchat.proto.v1.AckQueueMessage;
import org.raftchat.proto.v1.AckQueueMessageRequest;
import org.raftchat.proto.v1.AckQueueMessageResponse;
import org.raftchat.proto.v1.ConsumeRequest;
import org.raftchat.proto.v1.ConsumeResponse;
import org.raftchat.proto.v1.GetQueueStatusRequest;
import org.raftchat.proto.v1.NackQueueMessage;
import org.raftchat.proto.v1.NackQueueMessageRequest;
import org.raftchat.proto.v1.NackQueueMessageResponse;
import org.raftchat.proto.v1.QueueDelivery;
import org.raftchat.proto.v1.QueuePolicy;
import org.raftchat.proto.v1.StreamQueueRequest;
import org.raftchat.proto.v1.QueueStatus;
import org.raftchat.proto.v1.ReceiveQueueRequest;
import org.raftchat.proto.v1.ReceiveQueueResponse;
import org.raftchat.proto.v1.StartConsuming;
import org.raftchat.proto.v1.StopConsuming;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.proto.v1.RegisterResponse;
import org.raftchat.proto.v1.RoomMembershipResponse;
import org.raftchat.proto.v1.RoomSummary;
import org.raftchat.proto.v1.SendDirectMessage;
import org.raftchat.proto.v1.SendDirectMessageRequest;
import org.raftchat.proto.v1.SetNicknameRequest;
import org.raftchat.proto.v1.SetNicknameResponse;
import org.raftchat.proto.v1.StampedLimits;
import org.raftchat.proto.v1.SubscribeRequest;
import org.raftchat.statemachine.ApplyResult;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.HistoryPage;
import org.raftchat.statemachine.HistoryQuery;
import org.raftchat.statemachine.RoomInfo;
import org.raftchat.statemachine.SearchPage;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.AwayUser;
import org.raftchat.proto.v1.BanFromRoom;
import org.raftchat.proto.v1.InviteToRoom;
import org.raftchat.proto.v1.KickFromRoom;
import org.raftchat.proto.v1.ModerationRequest;
import org.raftchat.proto.v1.ModerationResponse;
import org.raftchat.proto.v1.RoomSettingsResponse;
import org.raftchat.proto.v1.SearchHistoryRequest;
import org.raftchat.proto.v1.SearchHistoryResponse;
import org.raftchat.proto.v1.SetAway;
import org.raftchat.proto.v1.SetAwayRequest;
import org.raftchat.proto.v1.SetAwayResponse;
import org.raftchat.proto.v1.SetRoomInviteOnly;
import org.raftchat.proto.v1.SetRoomInviteOnlyRequest;
import org.raftchat.proto.v1.SetRoomTopic;
import org.raftchat.proto.v1.SetRoomTopicRequest;
import org.raftchat.proto.v1.UnbanFromRoom;

/**
 * The client API of one node. Every call but Register, Login and GetClusterInfo first resolves the
 * caller's session ({@link Authenticator}); the caller's name, never a request field, is the author,
 * owner or reader. Writes are validated, keyed as the caller's idempotency key for this request
 * ({@link IdempotencyStamp}), then proposed (leader only); reads wait for a ReadIndex
 * barrier and then read local state (any node); subscriptions are served from local state by the
 * {@link SubscriptionHub}.
 */
final class ChatGrpcService extends ChatServiceGrpc.ChatServiceImplBase {

    private final RequestValidator validator;
    private final Proposer proposer;
    private final LinearizableReads reads;
    private final ChatStateMachine stateMachine;
    private final SubscriptionHub subscriptions;
    private final Supplier<ClusterInfo> clusterInfo;
    private final Authenticator authenticator;
    private final AccountCalls accounts;
    private final LeaderGate leaderGate;
    /** Stamped into commands so apply enforces the leader's limits without reading config. */
    private final StampedLimits stampedLimits;
    private final IdempotencyStamp idempotency;
    private final QueueRequests queueRequests;
    /** Answers are sent from here, never from SOFAJRaft's FSM thread, which must keep applying. */
    private final Executor responseExecutor;

    private final HeardSessions heardSessions;

    ChatGrpcService(RequestValidator validator, Proposer proposer, LinearizableReads reads, ChatStateMachine stateMachine,
                    SubscriptionHub subscriptions, Supplier<ClusterInfo> clusterInfo, Authenticator authenticator,
                    AccountCalls accounts, LeaderGate leaderGate, Limits limits, Executor responseExecutor,
                    HeardSessions heardSessions) {
        this.validator = validator;
        this.heardSessions = heardSessions;
        this.proposer = proposer;
        this.reads = reads;
        this.stateMachine = stateMachine;
        this.subscriptions = subscriptions;
        this.clusterInfo = clusterInfo;
        this.authenticator = authenticator;
        this.accounts = accounts;
        this.leaderGate = leaderGate;
        this.stampedLimits = StampedLimits.newBuilder()
                .setMaxRoomsPerUser(limits.maxRoomsPerUser())
                .setMaxMembersPerRoom(limits.maxMembersPerRoom())
                .build();
        this.idempotency = new IdempotencyStamp(limits.idempotencyWindowMs());
        this.queueRequests = new QueueRequests(limits.maxNameLength());
        this.responseExecutor = responseExecutor;
    }

    // ---- accounts ----

    @Override
    public void register(RegisterRequest request, StreamObserver<RegisterResponse> out) {
        answer(out, () -> accounts.register(request));
    }

    @Override
    public void login(LoginRequest request, StreamObserver<LoginResponse> out) {
        answer(out, () -> accounts.login(request, ClientAddress.current()));
    }

    @Override
    public void logout(LogoutRequest request, StreamObserver<LogoutResponse> out) {
        String key = request.getIdempotencyKey();
        answer(out, () -> asWriter(caller -> accounts.logout(validator.idempotencyKey(key), caller)));
    }

    @Override
    public void setNickname(SetNicknameRequest request, StreamObserver<SetNicknameResponse> out) {
        answer(out, () -> asWriter(caller ->
                accounts.setNickname(request, validator.idempotencyKey(request.getIdempotencyKey()), caller)));
    }

    // ---- sessions ----

    @Override
    public void listSessions(ListSessionsRequest request, StreamObserver<ListSessionsResponse> out) {
        answer(out, () -> asCaller(caller -> afterBarrier(caller, () -> {
            ListSessionsResponse.Builder response = ListSessionsResponse.newBuilder();
            stateMachine.sessions(caller.username(), caller.tokenSha256()).forEach(s -> response.addSessions(
                    SessionSummary.newBuilder().setId(s.id()).setDeviceId(s.deviceId()).setCreatedAtMs(s.createdAtMs())
                            .setLastActiveMs(s.lastActiveMs()).setIdleExpiresAtMs(s.idleExpiresAtMs())
                            .setExpiresAtMs(s.expiresAtMs()).setOnline(s.online()).setCurrent(s.current())));
            return response.build();
        })));
    }

    @Override
    public void revokeSession(RevokeSessionRequest request, StreamObserver<RevokeSessionResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            return asWriter(caller -> accounts.revokeSession(request, key, caller));
        });
    }

    @Override
    public void logoutAll(LogoutAllRequest request, StreamObserver<LogoutAllResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            return asWriter(caller -> accounts.logoutAll(request, key, caller));
        });
    }

    @Override
    public void changePassword(ChangePasswordRequest request, StreamObserver<ChangePasswordResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            return asWriter(caller -> accounts.changePassword(request, key, caller, ClientAddress.current()));
        });
    }

    // ---- rooms ----

    @Override
    public void createRoom(CreateRoomRequest request, StreamObserver<CreateRoomResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String room = validator.name("room", request.getRoom());
            String description = validator.description(request.getDescription());
            QueuePolicy policy = queueRequests.createRoomPolicy(room, request.getQueue(), request.getQueuePolicy());
            return asWriter(caller -> {
                CreateRoom.Builder body = CreateRoom.newBuilder().setRoom(room).setCreator(caller.username())
                        .setDescription(description).setLimits(stampedLimits).setQueue(request.getQueue())
                        .setInviteOnly(request.getInviteOnly());
                Command.Builder command = idempotency.keyed(Command.newBuilder()
                        .setCreateRoom(request.getQueue() ? body.setQueuePolicy(policy) : body),
                        caller.username(), key, room, description, request.getQueue(), request.getQueuePolicy(),
                        request.getInviteOnly());
                return proposer.propose(command).thenApply(result -> {
                    if (result instanceof ApplyResult.RoomCreated created) {
                        return CreateRoomResponse.newBuilder().setRoom(created.room()).setLogIndex(created.logIndex()).build();
                    }
                    throw GrpcErrors.unexpected(result);
                });
            });
        });
    }

    @Override
    public void listRooms(ListRoomsRequest request, StreamObserver<ListRoomsResponse> out) {
        answer(out, () -> asCaller(caller -> afterBarrier(caller, () -> {
            ListRoomsResponse.Builder response = ListRoomsResponse.newBuilder();
            stateMachine.rooms().forEach(room -> response.addRooms(RoomSummary.newBuilder()
                    .setName(room.name()).setDescription(visibleDescription(room, caller)).setOwner(room.creator())
                    .setMemberCount(room.memberCount()).setQueue(room.queue()).setInviteOnly(room.inviteOnly())));
            return response.build();
        })));
    }

    @Override
    public void joinRoom(JoinRoomRequest request, StreamObserver<RoomMembershipResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String room = validator.name("room", request.getRoom());
            return asWriter(caller -> proposeMembership(idempotency.keyed(Command.newBuilder()
                    .setJoinRoom(JoinRoom.newBuilder().setRoom(room).setUser(caller.username()).setLimits(stampedLimits)),
                    caller.username(), key, room))
                    // The topic as the leader has it now, read after the join applied: what the new member sees first.
                    .thenApply(joined -> joined.toBuilder().setDescription(
                            stateMachine.room(room).map(RoomInfo::description).orElse("")).build()));
        });
    }

    @Override
    public void leaveRoom(LeaveRoomRequest request, StreamObserver<RoomMembershipResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String room = validator.name("room", request.getRoom());
            return asWriter(caller -> proposeMembership(idempotency.keyed(Command.newBuilder()
                    .setLeaveRoom(LeaveRoom.newBuilder().setRoom(room).setUser(caller.username())), caller.username(), key, room)));
        });
    }

    @Override
    public void listMembers(ListMembersRequest request, StreamObserver<ListMembersResponse> out) {
        answer(out, () -> {
            String room = validator.name("room", request.getRoom());
            return asCaller(caller -> afterBarrier(caller, () -> {
                requireReadable(ConversationRef.newBuilder().setRoom(room).build(), caller);
                java.util.List<String> members = stateMachine.members(room);
                ListMembersResponse.Builder response = ListMembersResponse.newBuilder().addAllMembers(members);
                stateMachine.awayMessages(members).forEach((user, message) ->
                        response.addAway(AwayUser.newBuilder().setUsername(user).setMessage(message)));
                return response.build();
            }));
        });
    }

    @Override
    public void deleteRoom(DeleteRoomRequest request, StreamObserver<DeleteRoomResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String room = validator.name("room", request.getRoom());
            return asWriter(caller -> {
                Command.Builder command = idempotency.keyed(Command.newBuilder()
                        .setDeleteRoom(DeleteRoom.newBuilder().setRoom(room).setUser(caller.username())), caller.username(), key, room);
                return proposer.propose(command).thenApply(result -> {
                    if (result instanceof ApplyResult.RoomDeleted deleted) {
                        return DeleteRoomResponse.newBuilder().setRoom(deleted.room())
                                .addAllMovedToMainHall(deleted.members()).build();
                    }
                    throw GrpcErrors.unexpected(result);
                });
            });
        });
    }

    // ---- messages ----

    @Override
    public void postRoomMessage(PostRoomMessageRequest request, StreamObserver<PostMessageResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String room = validator.name("room", request.getRoom());
            String text = validator.text(request.getText());
            return asWriter(caller -> proposer.propose(idempotency.keyed(Command.newBuilder()
                    .setPostRoomMessage(PostRoomMessage.newBuilder().setRoom(room).setAuthor(caller.username()).setText(text)),
                    caller.username(), key, room, text))
                    .thenApply(ChatGrpcService::messageStored));
        });
    }

    @Override
    public void sendDirectMessage(SendDirectMessageRequest request, StreamObserver<PostMessageResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String recipient = validator.name("recipient", request.getRecipient());
            String text = validator.text(request.getText());
            return asWriter(caller -> {
                validator.directPair(caller.username(), recipient);
                return proposer.propose(idempotency.keyed(Command.newBuilder()
                        .setSendDirectMessage(SendDirectMessage.newBuilder()
                                .setSender(caller.username()).setRecipient(recipient).setText(text)),
                        caller.username(), key, recipient, text))
                        .thenApply(ChatGrpcService::messageStored);
            });
        });
    }

    @Override
    public void readHistory(ReadHistoryRequest request, StreamObserver<ReadHistoryResponse> out) {
        answer(out, () -> {
            ConversationRef conversation = Conversations.canonical(validator.conversation(request.getConversation()));
            HistoryQuery query = historyQuery(request);
            return asCaller(caller -> afterBarrier(caller, () -> {
                requireReadable(conversation, caller);
                HistoryPage page = stateMachine.history(conversation, query);
                return ReadHistoryResponse.newBuilder().addAllMessages(page.messages()).setLastSeq(page.lastSeq()).build();
            }));
        });
    }

    @Override
    public void subscribe(SubscribeRequest request, StreamObserver<ChatMessage> out) {
        ServerCallStreamObserver<ChatMessage> stream = (ServerCallStreamObserver<ChatMessage>) out;
        ConversationRef conversation;
        long afterSeq;
        CompletableFuture<Caller> caller;
        try {
            conversation = validator.conversation(request.getConversation());
            afterSeq = validator.sequence("after_seq", request.getAfterSeq());
            caller = authenticator.caller();
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
            return;
        }
        SubscriptionHub.Subscription subscription = subscriptions.accept(stream);
        // Ask linearizably, so a lagging follower does not refuse a room or membership that exists.
        caller.thenCompose(c -> reads.barrier().thenApplyAsync(ready -> {
                    requireReadable(conversation, c);
                    return c;
                }, responseExecutor))
                .whenComplete((reader, error) -> {
                    if (error != null) {
                        subscription.fail(error);
                    } else {
                        subscription.start(conversation, afterSeq, reader);
                    }
                });
    }

    // ---- read positions ----

    @Override
    public void getUnread(GetUnreadRequest request, StreamObserver<GetUnreadResponse> out) {
        answer(out, () -> asCaller(caller -> afterBarrier(caller, () ->
                GetUnreadResponse.newBuilder().addAllConversations(stateMachine.unread(caller.username())).build())));
    }

    @Override
    public void markRead(MarkReadRequest request, StreamObserver<MarkReadResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            ConversationRef conversation = validator.conversation(request.getConversation());
            long seq = validator.sequence("seq", request.getSeq());
            return asWriter(caller -> proposer.propose(idempotency.keyed(Command.newBuilder()
                    .setMarkRead(MarkRead.newBuilder().setUser(caller.username()).setConversation(conversation).setSeq(seq)),
                    caller.username(), key, conversation, seq))
                    .thenApply(result -> {
                        if (result instanceof ApplyResult.ReadMarked marked) {
                            return MarkReadResponse.newBuilder().setReadSeq(marked.readSeq()).build();
                        }
                        throw GrpcErrors.unexpected(result);
                    }));
        });
    }

    // ---- presence and friends ----

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> out) {
        answer(out, () -> asWriter(caller -> {
            if (stateMachine.sessionOnline(caller.tokenSha256())) {
                // Already online: the leader's next presence tick records it (see HeardSessions).
                heardSessions.heard(caller.tokenSha256());
                return CompletableFuture.completedFuture(HeartbeatResponse.getDefaultInstance());
            }
            // Coming (back) online shows at once. No idempotency key: a repeat has the same effect.
            heardSessions.heardComingOnline(caller.tokenSha256());
            return proposer.propose(Command.newBuilder().setHeartbeat(
                            Heartbeat.newBuilder().setTokenSha256(ByteString.copyFrom(caller.tokenSha256()))))
                    .thenApply(result -> {
                        if (result instanceof ApplyResult.PresenceUpdated) {
                            return HeartbeatResponse.getDefaultInstance();
                        }
                        throw GrpcErrors.unexpected(result);
                    });
        }));
    }

    @Override
    public void listOnline(ListOnlineRequest request, StreamObserver<ListOnlineResponse> out) {
        answer(out, () -> asCaller(caller -> afterBarrier(caller, () -> {
            java.util.List<String> online = stateMachine.online();
            ListOnlineResponse.Builder response = ListOnlineResponse.newBuilder().addAllUsers(online);
            stateMachine.awayMessages(online).forEach((user, message) ->
                    response.addAway(AwayUser.newBuilder().setUsername(user).setMessage(message)));
            return response.build();
        })));
    }

    @Override
    public void addFriend(FriendRequest request, StreamObserver<FriendResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String friend = validator.name("friend", request.getFriend());
            return asWriter(caller -> {
                validator.directPair(caller.username(), friend);
                return proposeFriendship(idempotency.keyed(Command.newBuilder()
                        .setAddFriend(AddFriend.newBuilder().setUser(caller.username()).setFriend(friend)), caller.username(), key, friend));
            });
        });
    }

    @Override
    public void removeFriend(FriendRequest request, StreamObserver<FriendResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String friend = validator.name("friend", request.getFriend());
            return asWriter(caller -> proposeFriendship(idempotency.keyed(Command.newBuilder()
                    .setRemoveFriend(RemoveFriend.newBuilder().setUser(caller.username()).setFriend(friend)), caller.username(), key, friend)));
        });
    }

    @Override
    public void listFriends(ListFriendsRequest request, StreamObserver<ListFriendsResponse> out) {
        answer(out, () -> asCaller(caller -> afterBarrier(caller, () -> {
            ListFriendsResponse.Builder response = ListFriendsResponse.newBuilder();
            java.util.Map<String, Boolean> friends = stateMachine.friends(caller.username());
            java.util.Map<String, String> away = stateMachine.awayMessages(friends.keySet());
            friends.forEach((name, online) -> response.addFriends(Friend.newBuilder().setUsername(name).setOnline(online)
                    .setAwayMessage(away.getOrDefault(name, ""))));
            return response.build();
        })));
    }

    private CompletableFuture<FriendResponse> proposeFriendship(Command.Builder command) {
        return proposer.propose(command).thenApply(result -> {
            if (result instanceof ApplyResult.FriendshipChanged changed) {
                return FriendResponse.newBuilder().setFriend(changed.friend()).setFriends(changed.friends()).build();
            }
            throw GrpcErrors.unexpected(result);
        });
    }

    // ---- edits and deletes ----

    @Override
    public void editMessage(EditMessageRequest request, StreamObserver<PostMessageResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            ConversationRef conversation = validator.conversation(request.getConversation());
            long seq = validator.sequence("seq", request.getSeq());
            String text = validator.text(request.getText());
            return asWriter(caller -> proposer.propose(idempotency.keyed(Command.newBuilder()
                    .setEditMessage(EditMessage.newBuilder().setUser(caller.username()).setConversation(conversation)
                            .setSeq(seq).setText(text)), caller.username(), key, conversation, seq, text))
                    .thenApply(ChatGrpcService::messageStored));
        });
    }

    @Override
    public void deleteMessage(DeleteMessageRequest request, StreamObserver<PostMessageResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            ConversationRef conversation = validator.conversation(request.getConversation());
            long seq = validator.sequence("seq", request.getSeq());
            return asWriter(caller -> proposer.propose(idempotency.keyed(Command.newBuilder()
                    .setDeleteMessage(DeleteMessage.newBuilder().setUser(caller.username()).setConversation(conversation)
                            .setSeq(seq)), caller.username(), key, conversation, seq))
                    .thenApply(ChatGrpcService::messageStored));
        });
    }

    @Override
    public void getClusterInfo(GetClusterInfoRequest request, StreamObserver<ClusterInfo> out) {
        out.onNext(clusterInfo.get());
        out.onCompleted();
    }

    // ---- work-queue rooms ----

    @Override
    public void startConsuming(ConsumeRequest request, StreamObserver<ConsumeResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String room = validator.name("room", request.getRoom());
            int prefetch = QueueRequests.prefetch(request.getPrefetch());
            return asWriter(caller -> proposeConsumption(idempotency.keyed(Command.newBuilder()
                    .setStartConsuming(StartConsuming.newBuilder().setRoom(room).setTokenSha256(ByteString.copyFrom(caller.tokenSha256()))
                            .setPrefetch(prefetch)),
                    caller.username(), key, room, caller.tokenSha256(), prefetch)));
        });
    }

    @Override
    public void stopConsuming(ConsumeRequest request, StreamObserver<ConsumeResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String room = validator.name("room", request.getRoom());
            return asWriter(caller -> proposeConsumption(idempotency.keyed(Command.newBuilder()
                    .setStopConsuming(StopConsuming.newBuilder().setRoom(room).setTokenSha256(ByteString.copyFrom(caller.tokenSha256()))),
                    caller.username(), key, room, caller.tokenSha256())));
        });
    }

    @Override
    public void receiveQueue(ReceiveQueueRequest request, StreamObserver<ReceiveQueueResponse> out) {
        answer(out, () -> {
            String room = validator.name("room", request.getRoom());
            int limit = validator.historyLimit(request.getLimit());
            return asCaller(caller -> afterBarrier(caller, () -> {
                requireQueue(room, caller);
                return ReceiveQueueResponse.newBuilder()
                        .addAllDeliveries(stateMachine.queueDeliveries(room, caller.tokenSha256(), limit))
                        .setConsuming(stateMachine.consuming(room, caller.tokenSha256()))
                        .build();
            }));
        });
    }

    @Override
    public void ackQueueMessage(AckQueueMessageRequest request, StreamObserver<AckQueueMessageResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String room = validator.name("room", request.getRoom());
            long seq = validator.sequence("seq", request.getSeq());
            return asWriter(caller -> proposer.propose(idempotency.keyed(Command.newBuilder()
                    .setAckQueueMessage(AckQueueMessage.newBuilder().setRoom(room)
                            .setTokenSha256(ByteString.copyFrom(caller.tokenSha256())).setSeq(seq)),
                    caller.username(), key, room, seq, caller.tokenSha256()))
                    .thenApply(result -> {
                        if (result instanceof ApplyResult.QueueAcked acked) {
                            return AckQueueMessageResponse.newBuilder().setRoom(acked.room()).setSeq(acked.seq()).build();
                        }
                        throw GrpcErrors.unexpected(result);
                    }));
        });
    }

    @Override
    public void nackQueueMessage(NackQueueMessageRequest request, StreamObserver<NackQueueMessageResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String room = validator.name("room", request.getRoom());
            long seq = validator.sequence("seq", request.getSeq());
            return asWriter(caller -> proposer.propose(idempotency.keyed(Command.newBuilder()
                    .setNackQueueMessage(NackQueueMessage.newBuilder().setRoom(room)
                            .setTokenSha256(ByteString.copyFrom(caller.tokenSha256())).setSeq(seq)),
                    caller.username(), key, room, seq, caller.tokenSha256()))
                    .thenApply(result -> {
                        if (result instanceof ApplyResult.QueueNacked nacked) {
                            return NackQueueMessageResponse.newBuilder().setRoom(nacked.room()).setSeq(nacked.seq())
                                    .setDeadLettered(nacked.deadLettered()).build();
                        }
                        throw GrpcErrors.unexpected(result);
                    }));
        });
    }

    /** Like subscribe: checked after a read barrier, so a follower that lags still knows the caller consumes. */
    @Override
    public void streamQueue(StreamQueueRequest request, StreamObserver<QueueDelivery> out) {
        ServerCallStreamObserver<QueueDelivery> stream = (ServerCallStreamObserver<QueueDelivery>) out;
        String room;
        long afterDeliveryId;
        CompletableFuture<Caller> caller;
        try {
            room = validator.name("room", request.getRoom());
            afterDeliveryId = validator.sequence("after_delivery_id", request.getAfterDeliveryId());
            caller = authenticator.caller();
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
            return;
        }
        SubscriptionHub.QueueStream queueStream = subscriptions.acceptQueue(stream);
        caller.thenCompose(c -> reads.barrier().thenApplyAsync(ready -> {
                    requireQueue(room, c);
                    if (!stateMachine.consuming(room, c.tokenSha256())) {
                        throw GrpcErrors.failedPrecondition("this session does not consume queue '" + room
                                + "': start consuming first");
                    }
                    return c;
                }, responseExecutor))
                .whenComplete((consumer, error) -> {
                    if (error != null) {
                        queueStream.fail(error);
                    } else {
                        queueStream.start(room, afterDeliveryId, consumer);
                    }
                });
    }

    @Override
    public void getQueueStatus(GetQueueStatusRequest request, StreamObserver<QueueStatus> out) {
        answer(out, () -> {
            String room = validator.name("room", request.getRoom());
            return asCaller(caller -> afterBarrier(caller, () -> requireQueue(room, caller)));
        });
    }

    private CompletableFuture<ConsumeResponse> proposeConsumption(Command.Builder command) {
        return proposer.propose(command).thenApply(result -> {
            if (result instanceof ApplyResult.ConsumptionChanged changed) {
                return ConsumeResponse.newBuilder().setRoom(changed.room()).setConsuming(changed.consuming())
                        .setConsumerCount(changed.consumerCount()).build();
            }
            throw GrpcErrors.unexpected(result);
        });
    }

    /** The caller must be a member of the room, and the room a work queue; returns its status. */
    private QueueStatus requireQueue(String room, Caller caller) {
        requireReadable(ConversationRef.newBuilder().setRoom(room).build(), caller);
        return stateMachine.queueStatus(room).orElseThrow(() -> GrpcErrors.failedPrecondition(
                "room '" + room + "' is not a work queue (create one with 'raftchat create-room NAME --queue')"));
    }

    // ---- moderation, away, search ----

    @Override
    public void setRoomTopic(SetRoomTopicRequest request, StreamObserver<RoomSettingsResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String room = validator.name("room", request.getRoom());
            String topic = validator.topic(request.getTopic());
            return asWriter(caller -> proposeSettings(idempotency.keyed(Command.newBuilder().setSetRoomTopic(
                    SetRoomTopic.newBuilder().setRoom(room).setUser(caller.username()).setTopic(topic)),
                    caller.username(), key, room, topic)));
        });
    }

    @Override
    public void setRoomInviteOnly(SetRoomInviteOnlyRequest request, StreamObserver<RoomSettingsResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String room = validator.name("room", request.getRoom());
            return asWriter(caller -> proposeSettings(idempotency.keyed(Command.newBuilder().setSetRoomInviteOnly(
                    SetRoomInviteOnly.newBuilder().setRoom(room).setUser(caller.username()).setInviteOnly(request.getInviteOnly())),
                    caller.username(), key, room, request.getInviteOnly())));
        });
    }

    @Override
    public void inviteToRoom(ModerationRequest request, StreamObserver<ModerationResponse> out) {
        moderate(request, out, (room, owner, target) -> Command.newBuilder()
                .setInviteToRoom(InviteToRoom.newBuilder().setRoom(room).setUser(owner).setTarget(target)));
    }

    @Override
    public void kickFromRoom(ModerationRequest request, StreamObserver<ModerationResponse> out) {
        moderate(request, out, (room, owner, target) -> Command.newBuilder()
                .setKickFromRoom(KickFromRoom.newBuilder().setRoom(room).setUser(owner).setTarget(target)));
    }

    @Override
    public void banFromRoom(ModerationRequest request, StreamObserver<ModerationResponse> out) {
        moderate(request, out, (room, owner, target) -> Command.newBuilder()
                .setBanFromRoom(BanFromRoom.newBuilder().setRoom(room).setUser(owner).setTarget(target)));
    }

    @Override
    public void unbanFromRoom(ModerationRequest request, StreamObserver<ModerationResponse> out) {
        moderate(request, out, (room, owner, target) -> Command.newBuilder()
                .setUnbanFromRoom(UnbanFromRoom.newBuilder().setRoom(room).setUser(owner).setTarget(target)));
    }

    @Override
    public void setAway(SetAwayRequest request, StreamObserver<SetAwayResponse> out) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String message = validator.awayMessage(request.getMessage());
            return asWriter(caller -> proposer.propose(idempotency.keyed(Command.newBuilder()
                    .setSetAway(SetAway.newBuilder().setUsername(caller.username()).setMessage(message)),
                    caller.username(), key, message))
                    .thenApply(result -> {
                        if (result instanceof ApplyResult.AwaySet away) {
                            return SetAwayResponse.newBuilder().setMessage(away.message()).build();
                        }
                        throw GrpcErrors.unexpected(result);
                    }));
        });
    }

    @Override
    public void searchHistory(SearchHistoryRequest request, StreamObserver<SearchHistoryResponse> out) {
        answer(out, () -> {
            ConversationRef conversation = Conversations.canonical(validator.conversation(request.getConversation()));
            String phrase = validator.searchPhrase(request.getPhrase());
            long beforeSeq = validator.sequence("before_seq", request.getBeforeSeq());
            int limit = validator.historyLimit(request.getLimit());
            return asCaller(caller -> afterBarrier(caller, () -> {
                requireReadable(conversation, caller);
                SearchPage page = stateMachine.search(conversation, phrase, beforeSeq, limit, Defaults.MAX_SEARCH_SCANNED_MESSAGES);
                return SearchHistoryResponse.newBuilder().addAllMessages(page.matches())
                        .setNextBeforeSeq(page.nextBeforeSeq()).build();
            }));
        });
    }

    private interface ModerationCommand {
        Command.Builder build(String room, String owner, String target);
    }

    private void moderate(ModerationRequest request, StreamObserver<ModerationResponse> out, ModerationCommand command) {
        answer(out, () -> {
            String key = validator.idempotencyKey(request.getIdempotencyKey());
            String room = validator.name("room", request.getRoom());
            String target = validator.name("user", request.getUser());
            return asWriter(caller -> proposer.propose(idempotency.keyed(command.build(room, caller.username(), target),
                    caller.username(), key, room, target))
                    .thenApply(result -> {
                        if (result instanceof ApplyResult.StandingChanged s) {
                            return ModerationResponse.newBuilder().setRoom(s.room()).setUser(s.user()).setMember(s.member())
                                    .setInvited(s.invited()).setBanned(s.banned()).build();
                        }
                        throw GrpcErrors.unexpected(result);
                    }));
        });
    }

    private CompletableFuture<RoomSettingsResponse> proposeSettings(Command.Builder command) {
        return proposer.propose(command).thenApply(result -> {
            if (result instanceof ApplyResult.RoomSettingsChanged changed) {
                return RoomSettingsResponse.newBuilder().setRoom(changed.room()).setDescription(changed.description())
                        .setInviteOnly(changed.inviteOnly()).build();
            }
            throw GrpcErrors.unexpected(result);
        });
    }

    /** An invite-only room's description is for its members; others see only that it exists. */
    private String visibleDescription(RoomInfo room, Caller caller) {
        return !room.inviteOnly() || stateMachine.isMember(room.name(), caller.username()) ? room.description() : "";
    }

    // ---- helpers ----

    /** A room must exist and have the caller as a member; a private conversation must include the caller. */
    private void requireReadable(ConversationRef conversation, Caller caller) {
        StatusRuntimeException refused = GrpcErrors.noReadAccess(
                stateMachine.readAccess(conversation, caller.tokenSha256(), caller.username()), conversation, caller.username());
        if (refused != null) {
            throw refused;
        }
    }

    private CompletableFuture<RoomMembershipResponse> proposeMembership(Command.Builder command) {
        return proposer.propose(command).thenApply(result -> {
            if (result instanceof ApplyResult.MembershipChanged changed) {
                return RoomMembershipResponse.newBuilder().setRoom(changed.room()).setMember(changed.member())
                        .setMemberCount(changed.memberCount()).build();
            }
            throw GrpcErrors.unexpected(result);
        });
    }

    /**
     * {@link #asCaller} for a write: a node that is not the leader says so (with the leader's address,
     * or that it was removed from the cluster) before it spends a read barrier on the session.
     */
    private <T> CompletableFuture<T> asWriter(Function<Caller, CompletableFuture<T>> call) {
        leaderGate.requireLeader();
        return asCaller(call);
    }

    /** Resolves the session on the call's thread (the token is in its Context), then runs the call as that user. */
    private <T> CompletableFuture<T> asCaller(Function<Caller, CompletableFuture<T>> call) {
        return authenticator.caller().thenCompose(call);
    }

    /**
     * Reads local state after a linearizable barrier, as {@code caller}, on our executor (not
     * SOFAJRaft's callback thread). The caller's session is checked again
     * after the barrier: a lagging follower may have let a token through that the leader had
     * already logged out, and a read must not be served to it.
     */
    private <T> CompletableFuture<T> afterBarrier(Caller caller, Supplier<T> read) {
        return reads.barrier().thenApplyAsync(ready -> {
            if (stateMachine.session(caller.tokenSha256()).isEmpty()) {
                throw GrpcErrors.sessionEnded();
            }
            return read.get();
        }, responseExecutor);
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
        throw GrpcErrors.unexpected(result);
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
