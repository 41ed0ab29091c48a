package org.raftchat.client;


import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.client.ClusterConnection.Route;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.RoomSettingsResponse;
import org.raftchat.proto.v1.SetRoomTopicRequest;
import org.raftchat.proto.v1.SetRoomInviteOnlyRequest;
import org.raftchat.proto.v1.ModerationRequest;
import org.raftchat.proto.v1.ModerationResponse;
import org.raftchat.proto.v1.SetAwayRequest;
import org.raftchat.proto.v1.SetAwayResponse;
import org.raftchat.proto.v1.SearchHistoryRequest;
import org.raftchat.proto.v1.SearchHistoryResponse;
import org.raftchat.proto.v1.ListOnlineResponse;
import org.raftchat.proto.v1.AckQueueMessageRequest;
import org.raftchat.proto.v1.AckQueueMessageResponse;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConsumeRequest;
import org.raftchat.proto.v1.ConsumeResponse;
import org.raftchat.proto.v1.GetQueueStatusRequest;
import org.raftchat.proto.v1.QueueStatus;
import org.raftchat.proto.v1.ReceiveQueueRequest;
import org.raftchat.proto.v1.ReceiveQueueResponse;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.ClusterInfo;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.CreateRoomResponse;
import org.raftchat.proto.v1.Friend;
import org.raftchat.proto.v1.FriendRequest;
import org.raftchat.proto.v1.FriendResponse;
import org.raftchat.proto.v1.GetClusterInfoRequest;
import org.raftchat.proto.v1.HeartbeatRequest;
import org.raftchat.proto.v1.ListFriendsRequest;
import org.raftchat.proto.v1.ListOnlineRequest;
import org.raftchat.proto.v1.DeleteMessageRequest;
import org.raftchat.proto.v1.DeleteRoomRequest;
import org.raftchat.proto.v1.EditMessageRequest;
import org.raftchat.proto.v1.DeleteRoomResponse;
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
import org.raftchat.proto.v1.MarkReadRequest;
import org.raftchat.proto.v1.MarkReadResponse;
import org.raftchat.proto.v1.RegisterRequest;
import org.raftchat.proto.v1.RegisterResponse;
import org.raftchat.proto.v1.RoomMembershipResponse;
import org.raftchat.proto.v1.SetNicknameRequest;
import org.raftchat.proto.v1.SetNicknameResponse;
import org.raftchat.proto.v1.PostRoomMessageRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.raftchat.proto.v1.SendDirectMessageRequest;

/**
 * The RaftChat client API: one typed method per RPC over a {@link ClusterConnection} (which finds
 * the leader and retries what can be retried), and subscriptions that stay alive across node
 * failures ({@link ResumingSubscription}, over the same connection).
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Each write gets one idempotency key, reused by every retry, so a write whose outcome was
 *       unknown (UNAVAILABLE, DEADLINE_EXCEEDED) is stored at most once.</li>
 *   <li>Retryable failures (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, not-leader) are
 *       retried on the leader hint or the next node with jittered exponential backoff until
 *       {@link ClientOptions#retryBudget()} is spent; every attempt has
 *       {@link ClientOptions#callDeadline()}. Other failures are final and not retried.</li>
 *   <li>Failures surface as {@link ChatClientException} with a {@link Category}.</li>
 *   <li>Thread-safe: one instance may serve many threads. Channels (one per node address) are
 *       created on first use and closed by {@link #close()}.</li>
 * </ul>
 */
public final class ChatClient implements AutoCloseable {

    private final ClusterConnection connection;

    /** A client with plaintext gRPC channels to the given "host:port" API addresses. */
    public ChatClient(List<String> addresses, ClientOptions options) {
        this(addresses, options, InsecureChannelCredentials.create());
    }

    /** A client whose channels use these credentials (plaintext or TLS). */
    public ChatClient(List<String> addresses, ClientOptions options, ChannelCredentials credentials) {
        this(addresses, options, address -> ClusterConnection.newChannel(address, credentials));
    }

    public ChatClient(List<String> addresses) {
        this(addresses, ClientOptions.defaults());
    }

    /** For tests: {@code channelFactory} builds the channel for one address (e.g. an in-process channel). */
    ChatClient(List<String> addresses, ClientOptions options, Function<String, ManagedChannel> channelFactory) {
        this.connection = new ClusterConnection(addresses, options, channelFactory);
    }

    public List<String> addresses() {
        return connection.addresses();
    }

    public ClientOptions options() {
        return connection.options();
    }

    /** The API address of the node this client believes leads, if it has learned one. */
    public Optional<String> believedLeader() {
        return connection.believedLeader();
    }

    // ---- accounts ----

    /** Calls go as this session from now on ("authorization: Bearer token"); null calls anonymously. */
    public void useSession(String token) {
        connection.useSession(token);
    }

    public RegisterResponse register(String username, String password) {
        IdempotencyKey key = IdempotencyKey.random();
        RegisterRequest request = RegisterRequest.newBuilder()
                .setIdempotencyKey(key.value()).setUsername(username).setPassword(password).build();
        return call("register " + username, Route.LEADER, key, stub -> stub.register(request));
    }

    /**
     * Logs in and uses the new session for later calls. A retried login (lost answer) opens a
     * fresh session for the device, which ends the lost one.
     */
    public LoginResponse login(String username, String password, String deviceId) {
        LoginRequest request = LoginRequest.newBuilder()
                .setUsername(username).setPassword(password).setDeviceId(deviceId).build();
        LoginResponse response = call("log in as " + username, Route.LEADER, null, stub -> stub.login(request));
        useSession(response.getToken());
        return response;
    }

    public void logout() {
        IdempotencyKey key = IdempotencyKey.random();
        LogoutRequest request = LogoutRequest.newBuilder().setIdempotencyKey(key.value()).build();
        call("log out", Route.LEADER, key, stub -> stub.logout(request));
        useSession(null);
    }

    /** The caller's live sessions, oldest first, the calling one marked current. Any node (linearizable). */
    public List<org.raftchat.proto.v1.SessionSummary> listSessions() {
        return call("list sessions", Route.ANY, null,
                stub -> stub.listSessions(org.raftchat.proto.v1.ListSessionsRequest.getDefaultInstance())).getSessionsList();
    }

    /** Ends one of the caller's sessions by its id (as {@link #listSessions} shows it); returns how many ended. */
    public int revokeSession(String sessionId) {
        IdempotencyKey key = IdempotencyKey.random();
        org.raftchat.proto.v1.RevokeSessionRequest request = org.raftchat.proto.v1.RevokeSessionRequest.newBuilder()
                .setIdempotencyKey(key.value()).setSessionId(sessionId).build();
        return call("revoke session " + sessionId, Route.LEADER, key, stub -> stub.revokeSession(request)).getSessionsEnded();
    }

    /** Ends every session of the caller, or every other one with {@code keepCurrent}; returns how many ended. */
    public int logoutAll(boolean keepCurrent) {
        IdempotencyKey key = IdempotencyKey.random();
        org.raftchat.proto.v1.LogoutAllRequest request = org.raftchat.proto.v1.LogoutAllRequest.newBuilder()
                .setIdempotencyKey(key.value()).setKeepCurrent(keepCurrent).build();
        int ended = call("log out everywhere", Route.LEADER, key, stub -> stub.logoutAll(request)).getSessionsEnded();
        if (!keepCurrent) {
            useSession(null);
        }
        return ended;
    }

    /** Changes the caller's password; every other session of the caller ends. Returns how many ended. */
    public int changePassword(String oldPassword, String newPassword) {
        IdempotencyKey key = IdempotencyKey.random();
        org.raftchat.proto.v1.ChangePasswordRequest request = org.raftchat.proto.v1.ChangePasswordRequest.newBuilder()
                .setIdempotencyKey(key.value()).setOldPassword(oldPassword).setNewPassword(newPassword).build();
        return call("change password", Route.LEADER, key, stub -> stub.changePassword(request)).getSessionsEnded();
    }

    public SetNicknameResponse setNickname(String nickname) {
        IdempotencyKey key = IdempotencyKey.random();
        SetNicknameRequest request = SetNicknameRequest.newBuilder().setIdempotencyKey(key.value()).setNickname(nickname).build();
        return call("set nickname", Route.LEADER, key, stub -> stub.setNickname(request));
    }

    // ---- rooms ----

    public CreateRoomResponse createRoom(String room, String description) {
        return createRoom(IdempotencyKey.random(), room, description);
    }

    public CreateRoomResponse createRoom(IdempotencyKey key, String room, String description) {
        return createRoom(key, room, description, false);
    }

    /** {@code queue}: a work-queue room, each post going to exactly one consumer (see {@link #startConsuming}). */
    public CreateRoomResponse createRoom(IdempotencyKey key, String room, String description, boolean queue) {
        return createRoom(key, room, description, queue, false);
    }

    /** {@code inviteOnly}: only the owner and users the owner invites may join. */
    public CreateRoomResponse createRoom(IdempotencyKey key, String room, String description, boolean queue, boolean inviteOnly) {
        return createRoom(key, room, description, queue, inviteOnly, org.raftchat.proto.v1.QueuePolicy.getDefaultInstance());
    }

    /** A work-queue room with its ack timeout and delivery limit (zero fields: the cluster's defaults). */
    public CreateRoomResponse createRoom(IdempotencyKey key, String room, String description, boolean queue,
                                         org.raftchat.proto.v1.QueuePolicy policy) {
        return createRoom(key, room, description, queue, false, policy);
    }

    /** Every option of a new room: invite-only, and for a work queue its ack timeout and delivery limit. */
    public CreateRoomResponse createRoom(IdempotencyKey key, String room, String description, boolean queue, boolean inviteOnly,
                                         org.raftchat.proto.v1.QueuePolicy policy) {
        CreateRoomRequest request = CreateRoomRequest.newBuilder()
                .setIdempotencyKey(key.value()).setRoom(room).setDescription(description).setQueue(queue)
                .setInviteOnly(inviteOnly).setQueuePolicy(policy).build();
        return call("create room #" + room, Route.LEADER, key, stub -> stub.createRoom(request));
    }

    // ---- moderation (the room's owner), away, search ----

    public RoomSettingsResponse setTopic(String room, String topic) {
        IdempotencyKey key = IdempotencyKey.random();
        SetRoomTopicRequest request = SetRoomTopicRequest.newBuilder().setIdempotencyKey(key.value()).setRoom(room)
                .setTopic(topic).build();
        return call("set the topic of #" + room, Route.LEADER, key, stub -> stub.setRoomTopic(request));
    }

    public RoomSettingsResponse setInviteOnly(String room, boolean inviteOnly) {
        IdempotencyKey key = IdempotencyKey.random();
        SetRoomInviteOnlyRequest request = SetRoomInviteOnlyRequest.newBuilder().setIdempotencyKey(key.value()).setRoom(room)
                .setInviteOnly(inviteOnly).build();
        return call("make #" + room + (inviteOnly ? " invite-only" : " open"), Route.LEADER, key, stub -> stub.setRoomInviteOnly(request));
    }

    /** What the room's owner can do to another user. */
    public enum Moderation { INVITE, KICK, BAN, UNBAN }

    public ModerationResponse moderate(Moderation action, String room, String user) {
        IdempotencyKey key = IdempotencyKey.random();
        ModerationRequest request = ModerationRequest.newBuilder().setIdempotencyKey(key.value()).setRoom(room).setUser(user).build();
        String what = action.name().toLowerCase(java.util.Locale.ROOT) + " " + user + " in #" + room;
        return call(what, Route.LEADER, key, stub -> switch (action) {
            case INVITE -> stub.inviteToRoom(request);
            case KICK -> stub.kickFromRoom(request);
            case BAN -> stub.banFromRoom(request);
            case UNBAN -> stub.unbanFromRoom(request);
        });
    }

    /** Sets this user's away message; empty: back. */
    public SetAwayResponse setAway(String message) {
        IdempotencyKey key = IdempotencyKey.random();
        SetAwayRequest request = SetAwayRequest.newBuilder().setIdempotencyKey(key.value()).setMessage(message).build();
        return call(message.isEmpty() ? "mark back" : "mark away", Route.LEADER, key, stub -> stub.setAway(request));
    }

    /** Matches newest first; {@code beforeSeq} 0 searches from the newest message, {@code limit} 0 is the server's default. */
    public SearchHistoryResponse search(ConversationRef conversation, String phrase, long beforeSeq, int limit) {
        SearchHistoryRequest request = SearchHistoryRequest.newBuilder().setConversation(conversation).setPhrase(phrase)
                .setBeforeSeq(beforeSeq).setLimit(limit).build();
        return call("search " + ConversationRefs.describe(conversation), Route.ANY, null, stub -> stub.searchHistory(request));
    }

    public ListRoomsResponse listRooms() {
        return call("list rooms", Route.ANY, null, stub -> stub.listRooms(ListRoomsRequest.getDefaultInstance()));
    }

    public RoomMembershipResponse joinRoom(String room) {
        IdempotencyKey key = IdempotencyKey.random();
        JoinRoomRequest request = JoinRoomRequest.newBuilder().setIdempotencyKey(key.value()).setRoom(room).build();
        return call("join #" + room, Route.LEADER, key, stub -> stub.joinRoom(request));
    }

    public RoomMembershipResponse leaveRoom(String room) {
        IdempotencyKey key = IdempotencyKey.random();
        LeaveRoomRequest request = LeaveRoomRequest.newBuilder().setIdempotencyKey(key.value()).setRoom(room).build();
        return call("leave #" + room, Route.LEADER, key, stub -> stub.leaveRoom(request));
    }

    public ListMembersResponse listMembers(String room) {
        ListMembersRequest request = ListMembersRequest.newBuilder().setRoom(room).build();
        return call("list members of #" + room, Route.ANY, null, stub -> stub.listMembers(request));
    }

    public DeleteRoomResponse deleteRoom(String room) {
        IdempotencyKey key = IdempotencyKey.random();
        DeleteRoomRequest request = DeleteRoomRequest.newBuilder().setIdempotencyKey(key.value()).setRoom(room).build();
        return call("delete #" + room, Route.LEADER, key, stub -> stub.deleteRoom(request));
    }

    // ---- messages and read positions ----

    public ChatMessage postRoomMessage(String room, String text) {
        return postRoomMessage(IdempotencyKey.random(), room, text);
    }

    public ChatMessage postRoomMessage(IdempotencyKey key, String room, String text) {
        PostRoomMessageRequest request = PostRoomMessageRequest.newBuilder()
                .setIdempotencyKey(key.value()).setRoom(room).setText(text).build();
        return call("post to #" + room, Route.LEADER, key, stub -> stub.postRoomMessage(request)).getMessage();
    }

    public ChatMessage sendDirectMessage(String recipient, String text) {
        return sendDirectMessage(IdempotencyKey.random(), recipient, text);
    }

    public ChatMessage sendDirectMessage(IdempotencyKey key, String recipient, String text) {
        SendDirectMessageRequest request = SendDirectMessageRequest.newBuilder()
                .setIdempotencyKey(key.value()).setRecipient(recipient).setText(text).build();
        return call("send to @" + recipient, Route.LEADER, key, stub -> stub.sendDirectMessage(request)).getMessage();
    }

    public ChatMessage editMessage(ConversationRef conversation, long seq, String text) {
        IdempotencyKey key = IdempotencyKey.random();
        EditMessageRequest request = EditMessageRequest.newBuilder()
                .setIdempotencyKey(key.value()).setConversation(conversation).setSeq(seq).setText(text).build();
        return call("edit message " + seq, Route.LEADER, key, stub -> stub.editMessage(request)).getMessage();
    }

    public ChatMessage deleteMessage(ConversationRef conversation, long seq) {
        IdempotencyKey key = IdempotencyKey.random();
        DeleteMessageRequest request = DeleteMessageRequest.newBuilder()
                .setIdempotencyKey(key.value()).setConversation(conversation).setSeq(seq).build();
        return call("delete message " + seq, Route.LEADER, key, stub -> stub.deleteMessage(request)).getMessage();
    }

    /** Keeps this session online (see {@code Defaults.HEARTBEAT_INTERVAL}). */
    public void heartbeat() {
        call("heartbeat", Route.LEADER, null, stub -> stub.heartbeat(HeartbeatRequest.getDefaultInstance()));
    }

    public List<String> online() {
        return onlineWithAway().getUsersList();
    }

    /** Who is online, and the away messages of those who set one. */
    public ListOnlineResponse onlineWithAway() {
        return call("list who is online", Route.ANY, null, stub -> stub.listOnline(ListOnlineRequest.getDefaultInstance()));
    }

    public FriendResponse addFriend(String friend) {
        IdempotencyKey key = IdempotencyKey.random();
        FriendRequest request = FriendRequest.newBuilder().setIdempotencyKey(key.value()).setFriend(friend).build();
        return call("add friend " + friend, Route.LEADER, key, stub -> stub.addFriend(request));
    }

    public FriendResponse removeFriend(String friend) {
        IdempotencyKey key = IdempotencyKey.random();
        FriendRequest request = FriendRequest.newBuilder().setIdempotencyKey(key.value()).setFriend(friend).build();
        return call("remove friend " + friend, Route.LEADER, key, stub -> stub.removeFriend(request));
    }

    public List<Friend> friends() {
        return call("list friends", Route.ANY, null, stub -> stub.listFriends(ListFriendsRequest.getDefaultInstance())).getFriendsList();
    }

    // ---- work-queue rooms ----

    /** This session starts consuming the queue room with the server's default prefetch (1). */
    public ConsumeResponse startConsuming(String room) {
        return startConsuming(room, 0);
    }

    /**
     * This session starts consuming the queue room, holding at most {@code prefetch} unacknowledged
     * messages (0: the server's default); consuming already, it changes the prefetch.
     */
    public ConsumeResponse startConsuming(String room, int prefetch) {
        return consumption("consume queue #" + room, room, prefetch, ChatServiceGrpc.ChatServiceBlockingStub::startConsuming);
    }

    /** This session stops consuming; what it has not acknowledged goes to the other consumers. */
    public ConsumeResponse stopConsuming(String room) {
        return consumption("stop consuming queue #" + room, room, 0, ChatServiceGrpc.ChatServiceBlockingStub::stopConsuming);
    }

    private ConsumeResponse consumption(String what, String room, int prefetch,
                                        java.util.function.BiFunction<ChatServiceGrpc.ChatServiceBlockingStub, ConsumeRequest, ConsumeResponse> rpc) {
        IdempotencyKey key = IdempotencyKey.random();
        ConsumeRequest request = ConsumeRequest.newBuilder().setIdempotencyKey(key.value()).setRoom(room).setPrefetch(prefetch).build();
        return call(what, Route.LEADER, key, stub -> rpc.apply(stub, request));
    }

    /** Hands message {@code seq} back: another consumer gets it (or the dead-letter room, after its last delivery). */
    public org.raftchat.proto.v1.NackQueueMessageResponse nackQueueMessage(String room, long seq) {
        IdempotencyKey key = IdempotencyKey.random();
        org.raftchat.proto.v1.NackQueueMessageRequest request = org.raftchat.proto.v1.NackQueueMessageRequest.newBuilder()
                .setIdempotencyKey(key.value()).setRoom(room).setSeq(seq).build();
        return call("hand back #" + room + " seq " + seq, Route.LEADER, key, stub -> stub.nackQueueMessage(request));
    }

    /**
     * This session's deliveries of the queue room (consuming it: {@link #startConsuming}), one at a
     * time across node failures; if the cluster took the session for gone, it consumes again with
     * {@code prefetch} and tells {@code onConsumingAgain} the cluster's reason.
     */
    public ResumingQueueStream streamQueue(String room, int prefetch, java.util.function.Consumer<String> onConsumingAgain) {
        connection.ensureOpen();
        return new ResumingQueueStream(connection, room, () -> startConsuming(room, prefetch), onConsumingAgain);
    }

    /** The messages assigned to this session and not acknowledged yet, oldest first. */
    public ReceiveQueueResponse receiveQueue(String room, int limit) {
        ReceiveQueueRequest request = ReceiveQueueRequest.newBuilder().setRoom(room).setLimit(limit).build();
        return call("receive from queue #" + room, Route.ANY, null, stub -> stub.receiveQueue(request));
    }

    public AckQueueMessageResponse ackQueueMessage(String room, long seq) {
        IdempotencyKey key = IdempotencyKey.random();
        AckQueueMessageRequest request = AckQueueMessageRequest.newBuilder()
                .setIdempotencyKey(key.value()).setRoom(room).setSeq(seq).build();
        return call("acknowledge #" + room + " seq " + seq, Route.LEADER, key, stub -> stub.ackQueueMessage(request));
    }

    public QueueStatus queueStatus(String room) {
        GetQueueStatusRequest request = GetQueueStatusRequest.newBuilder().setRoom(room).build();
        return call("show queue #" + room, Route.ANY, null, stub -> stub.getQueueStatus(request));
    }

    public GetUnreadResponse unread() {
        return call("count unread messages", Route.ANY, null, stub -> stub.getUnread(GetUnreadRequest.getDefaultInstance()));
    }

    public MarkReadResponse markRead(ConversationRef conversation, long seq) {
        IdempotencyKey key = IdempotencyKey.random();
        MarkReadRequest request = MarkReadRequest.newBuilder()
                .setIdempotencyKey(key.value()).setConversation(conversation).setSeq(seq).build();
        return call("mark " + ConversationRefs.describe(conversation) + " read", Route.LEADER, key, stub -> stub.markRead(request));
    }

    // ---- reads ----

    /**
     * A page of history, ascending by seq, from any node (linearizable on the server side).
     *
     * @param limit 1..1000, or 0 for the server's default page
     */
    public ReadHistoryResponse readHistory(ConversationRef conversation, HistoryAnchor anchor, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: must be >= 0, got " + limit);
        }
        ReadHistoryRequest.Builder request = ReadHistoryRequest.newBuilder().setConversation(conversation).setLimit(limit);
        switch (anchor.kind()) {
            case BEFORE -> request.setBeforeSeq(anchor.seq());
            case AFTER -> request.setAfterSeq(anchor.seq());
            case LATEST -> { }
        }
        ReadHistoryRequest built = request.build();
        return call("read " + ConversationRefs.describe(conversation), Route.ANY, null, stub -> stub.readHistory(built));
    }

    /** What one node says about itself and the leader; one attempt, no retry (a down node is an answer). */
    public ClusterInfo clusterInfo(String address) {
        String target = ClusterConnection.requireAddress(address);
        try {
            ClusterInfo info = connection.stub(target, connection.options().callDeadline()).getClusterInfo(GetClusterInfoRequest.getDefaultInstance());
            connection.learnLeader(info);
            return info;
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            Category category = GrpcFailures.category(status.getCode());
            throw new ChatClientException(category, "node at " + target + " did not answer: " + GrpcFailures.shortReason(status), e);
        }
    }

    /**
     * Follows a conversation from {@code afterSeq}: every message with a greater seq, in seq order,
     * each exactly once, across node failures (it resubscribes on the next node from the last
     * delivered seq, with backoff). It ends with {@link SubscriptionListener#onError} on a final
     * error, on a server that skips a seq ({@link Category#PROTOCOL}), or when no node serves it
     * for {@link ClientOptions#retryBudget()}.
     */
    public Subscription subscribe(ConversationRef conversation, long afterSeq, SubscriptionListener listener) {
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq: must be >= 0, got " + afterSeq);
        }
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(listener, "listener");
        connection.ensureOpen();
        ResumingSubscription subscription = new ResumingSubscription(connection, conversation, afterSeq, listener);
        connection.track(subscription);
        subscription.start(connection.currentAddress());
        return subscription;
    }

    /**
     * Closes subscriptions and channels. Calls in flight, and calls made afterwards, fail with
     * {@link Category#CANCELLED}. Idempotent.
     */
    @Override
    public void close() {
        connection.close();
    }

    private <T> T call(String what, Route route, IdempotencyKey key, Function<ChatServiceGrpc.ChatServiceBlockingStub, T> rpc) {
        return connection.call(what, route, key, rpc);
    }
}
