package org.raftchat.client;


import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.raftchat.client.ChatClientException.Category;
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
import org.raftchat.proto.v1.NotLeader;
import org.raftchat.proto.v1.PostRoomMessageRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.raftchat.proto.v1.SendDirectMessageRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RaftChat client: finds the leader, retries what can be retried, and keeps subscriptions
 * alive across node failures.
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

    private static final Logger log = LoggerFactory.getLogger(ChatClient.class);

    /** Leader hints may name nodes outside the configured list; this caps the channels they can open. */
    private static final int MAX_EXTRA_CHANNELS = 16;
    /** A full history page (1000 messages of up to 4 KiB) exceeds gRPC's 4 MiB default. */
    private static final int MAX_INBOUND_MESSAGE_BYTES = 16 << 20;
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):(\\d{1,5})");

    private final List<String> addresses;
    private final ClientOptions options;
    private final Function<String, ManagedChannel> channelFactory;
    private final ConcurrentMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Set<ResumingSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    private final Object lifecycle = new Object();

    /** The node we believe leads; null when unknown. Writes go here first. */
    private volatile String leader;
    /** The node that last answered; reads and subscriptions go here first. */
    private volatile String current;
    private volatile boolean closed;
    /** The session calls go as; null before login. */
    private volatile BearerCredentials credentials;

    /** A client with plaintext gRPC channels to the given "host:port" API addresses. */
    public ChatClient(List<String> addresses, ClientOptions options) {
        this(addresses, options, InsecureChannelCredentials.create());
    }

    /** A client whose channels use these credentials (plaintext or TLS). */
    public ChatClient(List<String> addresses, ClientOptions options, ChannelCredentials credentials) {
        this(addresses, options, address -> newChannel(address, credentials));
    }

    public ChatClient(List<String> addresses) {
        this(addresses, ClientOptions.defaults());
    }

    /** For tests: {@code channelFactory} builds the channel for one address (e.g. an in-process channel). */
    ChatClient(List<String> addresses, ClientOptions options, Function<String, ManagedChannel> channelFactory) {
        Objects.requireNonNull(addresses, "addresses");
        this.addresses = List.copyOf(new LinkedHashSet<>(addresses.stream().map(ChatClient::requireAddress).toList()));
        if (this.addresses.isEmpty()) {
            throw new IllegalArgumentException("addresses: at least one host:port is required");
        }
        this.options = Objects.requireNonNull(options, "options");
        this.channelFactory = Objects.requireNonNull(channelFactory, "channelFactory");
        this.current = this.addresses.get(0);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raftchat-client-reconnect");
            t.setDaemon(true);
            return t;
        });
    }

    /** Checks "host:port" (IPv6 in brackets) and returns it unchanged. */
    public static String requireAddress(String address) {
        Objects.requireNonNull(address, "address");
        var m = HOST_PORT.matcher(address.trim());
        if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65_535) {
            throw new IllegalArgumentException("'" + address + "' is not host:port (e.g. 127.0.0.1:9101)");
        }
        return address.trim();
    }

    public List<String> addresses() {
        return addresses;
    }

    public ClientOptions options() {
        return options;
    }

    /** The API address of the node this client believes leads, if it has learned one. */
    public Optional<String> believedLeader() {
        return Optional.ofNullable(leader);
    }

    // ---- accounts ----

    /** Calls go as this session from now on ("authorization: Bearer token"); null calls anonymously. */
    public void useSession(String token) {
        this.credentials = token == null ? null : new BearerCredentials(token);
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
        return call("search " + Conversations.describe(conversation), Route.ANY, null, stub -> stub.searchHistory(request));
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
     * One StreamQueue stream on {@code address}: this session's deliveries of the queue with an id
     * above {@code afterDeliveryId}, then each new one, until it fails or is closed. The caller
     * resumes on another node ({@link #nextAddress}) from the last delivery id it handled.
     */
    public QueueStream streamQueue(String address, String room, long afterDeliveryId) {
        io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
        org.raftchat.proto.v1.StreamQueueRequest request = org.raftchat.proto.v1.StreamQueueRequest.newBuilder()
                .setRoom(room).setAfterDeliveryId(afterDeliveryId).build();
        ChatServiceGrpc.ChatServiceBlockingStub stub = ChatServiceGrpc.newBlockingStub(channel(address));
        BearerCredentials session = credentials;
        ChatServiceGrpc.ChatServiceBlockingStub authenticated = session == null ? stub : stub.withCallCredentials(session);
        io.grpc.Context previous = context.attach();
        try {
            return new QueueStream(authenticated.streamQueue(request), context);
        } finally {
            context.detach(previous);
        }
    }

    /** A StreamQueue stream: iterate it (blocking) on one thread; closing it ends the call. */
    public record QueueStream(java.util.Iterator<org.raftchat.proto.v1.QueueDelivery> deliveries,
                       io.grpc.Context.CancellableContext context) implements AutoCloseable {
        @Override
        public void close() {
            context.cancel(null);
        }
    }

    /** The node the client last talked to (where a stream is best opened). */
    public String currentAddress() {
        return current;
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
        return call("mark " + Conversations.describe(conversation) + " read", Route.LEADER, key, stub -> stub.markRead(request));
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
        return call("read " + Conversations.describe(conversation), Route.ANY, null, stub -> stub.readHistory(built));
    }

    /** What one node says about itself and the leader; one attempt, no retry (a down node is an answer). */
    public ClusterInfo clusterInfo(String address) {
        String target = requireAddress(address);
        try {
            ClusterInfo info = stub(target, options.callDeadline()).getClusterInfo(GetClusterInfoRequest.getDefaultInstance());
            learnLeader(info);
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
        ensureOpen();
        ResumingSubscription subscription = new ResumingSubscription(this, conversation, afterSeq, listener);
        subscriptions.add(subscription);
        subscription.start(current);
        return subscription;
    }

    /**
     * Closes subscriptions and channels. Calls in flight, and calls made afterwards, fail with
     * {@link Category#CANCELLED}. Idempotent.
     */
    @Override
    public void close() {
        List<ManagedChannel> toClose;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(channels.values());
        }
        subscriptions.forEach(ResumingSubscription::close);
        scheduler.shutdownNow();
        toClose.forEach(ManagedChannel::shutdown);
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        for (ManagedChannel channel : toClose) {
            try {
                if (!channel.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- the retry loop ----

    /** Where a call goes first: writes to the believed leader, reads to the node that last answered. */
    private enum Route { LEADER, ANY }

    private <T> T call(String what, Route route, IdempotencyKey key, Function<ChatServiceGrpc.ChatServiceBlockingStub, T> rpc) {
        ensureOpen();
        Attempts attempts = new Attempts(what, key);
        Backoff backoff = new Backoff(options.backoffMin(), options.backoffMax());
        long deadlineNanos = System.nanoTime() + options.retryBudget().toNanos();
        // Nodes tried since the last pause: moving on to an untried node needs no pause, coming back does.
        Set<String> triedSincePause = new HashSet<>();
        String target = route == Route.LEADER && leader != null ? leader : current;
        while (true) {
            long remainingNanos = deadlineNanos - System.nanoTime();
            if (remainingNanos <= 0) {
                throw attempts.exhausted(options.retryBudget());
            }
            triedSincePause.add(target);
            try {
                Duration attemptDeadline = Duration.ofNanos(Math.min(options.callDeadline().toNanos(), remainingNanos));
                T result = rpc.apply(stub(target, attemptDeadline));
                current = target;
                if (route == Route.LEADER) {
                    leader = target;
                }
                return result;
            } catch (StatusRuntimeException e) {
                attempts.record(target, e.getStatus(), reached(target, e.getStatus()));
                String next = nextTarget(route, target, e, what);
                log.debug("{}: attempt {} on {} failed ({}); next: {}{}", what, attempts.count, target,
                        GrpcFailures.describe(e.getStatus()), next, key == null ? "" : " with key " + key);
                if (triedSincePause.contains(next)) {
                    pause(backoff.next(), deadlineNanos, attempts);
                    triedSincePause.clear();
                }
                target = next;
            }
        }
    }

    /** Where to send the same request next, or a final {@link ChatClientException}. */
    private String nextTarget(Route route, String target, StatusRuntimeException e, String what) {
        Status.Code code = e.getStatus().getCode();
        Optional<NotLeader> notLeader = GrpcFailures.notLeader(e);
        if (notLeader.isPresent()) {
            String hint = notLeader.get().getLeaderApiAddress();
            if (!hint.isEmpty() && !hint.equals(target) && acceptableHint(hint)) {
                leader = hint;
                return hint;
            }
            forgetLeader(target);
            return nextAddress(target);
        }
        if (GrpcFailures.limitReached(e)) {
            throw new ChatClientException(Category.REJECTED, e.getStatus().getDescription(), e);
        }
        if (!GrpcFailures.retryable(code)) {
            throw GrpcFailures.toException(e, what);
        }
        if (code == Status.Code.RESOURCE_EXHAUSTED && route == Route.LEADER) {
            return target; // the leader is busy, not gone: only it can take the write
        }
        forgetLeader(target);
        return nextAddress(target);
    }

    private boolean acceptableHint(String hint) {
        try {
            requireAddress(hint);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        return addresses.contains(hint) || channels.containsKey(hint)
                || channels.size() < addresses.size() + MAX_EXTRA_CHANNELS;
    }

    /**
     * Whether a failed attempt got as far as a node. Only for wording the give-up message: a
     * channel that is not READY after UNAVAILABLE or DEADLINE_EXCEEDED never connected (nothing
     * listens, or the host is cut off).
     */
    private boolean reached(String address, Status status) {
        if (GrpcFailures.unreachable(status)) {
            return false;
        }
        if (status.getCode() != Status.Code.UNAVAILABLE && status.getCode() != Status.Code.DEADLINE_EXCEEDED) {
            return true;
        }
        ManagedChannel channel = channels.get(address);
        return channel == null || channel.getState(false) == ConnectivityState.READY;
    }

    private void forgetLeader(String target) {
        if (target.equals(leader)) {
            leader = null;
        }
    }

    private void pause(Duration pause, long deadlineNanos, Attempts attempts) {
        if (System.nanoTime() + pause.toNanos() >= deadlineNanos) {
            throw attempts.exhausted(options.retryBudget());
        }
        try {
            Thread.sleep(pause.toMillis(), pause.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatClientException(Category.CANCELLED, attempts.what + ": interrupted while retrying", e);
        }
    }

    /** What the attempts of one logical call saw, to explain a give-up in words a user can act on. */
    private final class Attempts {
        final String what;
        final IdempotencyKey key;
        final Set<String> tried = new LinkedHashSet<>();
        int count;
        boolean anyReached;
        boolean maybeStored;
        String lastAddress;
        Status lastStatus;

        Attempts(String what, IdempotencyKey key) {
            this.what = what;
            this.key = key;
        }

        void record(String address, Status status, boolean reached) {
            count++;
            tried.add(address);
            lastAddress = address;
            lastStatus = status;
            anyReached |= reached;
            maybeStored |= key != null && GrpcFailures.outcomeUnknown(status);
        }

        ChatClientException exhausted(Duration budget) {
            String message;
            if (count == 0) {
                message = what + ": no attempt fit in the retry budget of " + format(budget);
            } else if (!anyReached) {
                message = "no node reachable at " + String.join(", ", tried) + ": is the cluster running? (./raftchat-dev up)";
            } else {
                message = what + ": gave up after " + count + " attempt" + (count == 1 ? "" : "s") + " in "
                        + format(budget) + "; last answer from " + lastAddress + ": " + GrpcFailures.describe(lastStatus)
                        + (maybeStored ? "" : ". Is a majority of the nodes up? (raftchat status)");
            }
            if (maybeStored) {
                message += ". The write may or may not be stored; retrying it with idempotency key " + key
                        + " stores it at most once";
            }
            return new ChatClientException(Category.UNAVAILABLE, message);
        }
    }

    // ---- plumbing shared with subscriptions ----

    ChatServiceGrpc.ChatServiceBlockingStub stub(String address, Duration deadline) {
        ChatServiceGrpc.ChatServiceBlockingStub stub = ChatServiceGrpc.newBlockingStub(channel(address))
                .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
        BearerCredentials session = credentials;
        return session == null ? stub : stub.withCallCredentials(session);
    }

    ChatServiceGrpc.ChatServiceStub asyncStub(String address) {
        ChatServiceGrpc.ChatServiceStub stub = ChatServiceGrpc.newStub(channel(address));
        BearerCredentials session = credentials;
        return session == null ? stub : stub.withCallCredentials(session);
    }

    /** The configured address after {@code address}, wrapping around; the first one for unknown addresses. */
    public String nextAddress(String address) {
        int i = addresses.indexOf(address);
        return addresses.get((i + 1) % addresses.size());
    }

    /** Records that {@code address} served a call, so the next read or subscription starts there. */
    void answeredBy(String address) {
        current = address;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    void forget(ResumingSubscription subscription) {
        subscriptions.remove(subscription);
    }

    private ManagedChannel channel(String address) {
        ensureOpen();
        ManagedChannel channel = channels.get(address);
        if (channel == null) {
            synchronized (lifecycle) {
                ensureOpen();
                channel = channels.computeIfAbsent(address, channelFactory);
            }
        }
        // gRPC waits up to minutes between reconnects to a failed node; our own backoff already paces us.
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
        }
        return channel;
    }

    private void learnLeader(ClusterInfo info) {
        String hint = info.getLeaderApiAddress();
        if (!hint.isEmpty() && acceptableHint(hint)) {
            leader = hint;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ChatClientException(Category.CANCELLED, "the client is closed");
        }
    }

    public static ManagedChannel newChannel(String address, ChannelCredentials credentials) {
        return Grpc.newChannelBuilder("dns:///" + address, credentials)
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .userAgent("raftchat-cli")
                .keepAliveTime(Defaults.KEEPALIVE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(Defaults.KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .build();
    }

    public static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
