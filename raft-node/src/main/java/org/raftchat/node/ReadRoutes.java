package org.raftchat.node;

import com.google.protobuf.UnknownFieldSet;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.AwayUser;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.Friend;
import org.raftchat.proto.v1.GetQueueStatusRequest;
import org.raftchat.proto.v1.GetUnreadRequest;
import org.raftchat.proto.v1.GetUnreadResponse;
import org.raftchat.proto.v1.ListFriendsRequest;
import org.raftchat.proto.v1.ListFriendsResponse;
import org.raftchat.proto.v1.ListMembersRequest;
import org.raftchat.proto.v1.ListMembersResponse;
import org.raftchat.proto.v1.ListOnlineRequest;
import org.raftchat.proto.v1.ListOnlineResponse;
import org.raftchat.proto.v1.ListRoomsRequest;
import org.raftchat.proto.v1.ListRoomsResponse;
import org.raftchat.proto.v1.ListSessionsRequest;
import org.raftchat.proto.v1.ListSessionsResponse;
import org.raftchat.proto.v1.QueueStatus;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.raftchat.proto.v1.ReceiveQueueRequest;
import org.raftchat.proto.v1.ReceiveQueueResponse;
import org.raftchat.proto.v1.RoomSummary;
import org.raftchat.proto.v1.SearchHistoryRequest;
import org.raftchat.proto.v1.SearchHistoryResponse;
import org.raftchat.proto.v1.SessionSummary;
import org.raftchat.proto.v1.StreamQueueRequest;
import org.raftchat.proto.v1.SubscribeRequest;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.HistoryQuery;
import org.raftchat.statemachine.ReadAccess;
import org.raftchat.statemachine.ReadableHistory;
import org.raftchat.statemachine.RoomInfo;
import org.raftchat.statemachine.SearchPage;
import org.raftchat.statemachine.StoredHistoryPage;

/**
 * Every read of the client API that {@link ReadPath} serves: each method checks its request at once
 * (bad input throws {@link InvalidRequestException}) and returns the read of local state to run as
 * the caller after the barrier. The streams (subscribe, a queue's deliveries) check their access here
 * the same way before they start.
 */
final class ReadRoutes {

    private final RequestValidator validator;
    private final ChatStateMachine stateMachine;

    ReadRoutes(RequestValidator validator, ChatStateMachine stateMachine) {
        this.validator = validator;
        this.stateMachine = stateMachine;
    }

    // ---- sessions and rooms ----

    ReadPath.Reader<ListSessionsResponse> listSessions(ListSessionsRequest request) {
        return caller -> {
            ListSessionsResponse.Builder response = ListSessionsResponse.newBuilder();
            stateMachine.sessions(caller.username(), caller.tokenSha256()).forEach(s -> response.addSessions(
                    SessionSummary.newBuilder().setId(s.id()).setDeviceId(s.deviceId()).setCreatedAtMs(s.createdAtMs())
                            .setLastActiveMs(s.lastActiveMs()).setIdleExpiresAtMs(s.idleExpiresAtMs())
                            .setExpiresAtMs(s.expiresAtMs()).setOnline(s.online()).setCurrent(s.current())));
            return response.build();
        };
    }

    ReadPath.Reader<ListRoomsResponse> listRooms(ListRoomsRequest request) {
        return caller -> {
            ListRoomsResponse.Builder response = ListRoomsResponse.newBuilder();
            stateMachine.rooms().forEach(room -> response.addRooms(RoomSummary.newBuilder()
                    .setName(room.name()).setDescription(visibleDescription(room, caller)).setOwner(room.creator())
                    .setMemberCount(room.memberCount()).setQueue(room.queue()).setInviteOnly(room.inviteOnly())));
            return response.build();
        };
    }

    ReadPath.Reader<ListMembersResponse> listMembers(ListMembersRequest request) {
        String room = validator.name("room", request.getRoom());
        return caller -> {
            requireReadable(ConversationRef.newBuilder().setRoom(room).build(), caller);
            List<String> members = stateMachine.members(room);
            ListMembersResponse.Builder response = ListMembersResponse.newBuilder().addAllMembers(members);
            stateMachine.awayMessages(members).forEach((user, message) ->
                    response.addAway(AwayUser.newBuilder().setUsername(user).setMessage(message)));
            return response.build();
        };
    }

    // ---- messages and read positions ----

    ReadPath.Reader<ReadHistoryResponse> readHistory(ReadHistoryRequest request) {
        ConversationRef conversation = Conversations.canonical(validator.conversation(request.getConversation()));
        HistoryQuery query = historyQuery(request);
        return caller -> {
            // The access check and the page come from one snapshot of the state.
            ReadableHistory readable = stateMachine.readableHistory(conversation, caller.tokenSha256(), caller.username(), query);
            requireAllowed(readable.access(), conversation, caller);
            return historyResponse(readable.page());
        };
    }

    /**
     * The answer as clients read it, built from the messages as they are stored. Why not
     * {@code addAllMessages}: that needs every stored message decoded, and then encoded again
     * unchanged on the way out (a fifth of a follower's CPU in a profile of the mixed bench; see
     * docs/performance.md). A repeated message field and a length-delimited unknown field with the
     * same number have the same wire form, so the stored encodings go out as they are and a client
     * decodes them as {@code messages}. On this side the object's {@code getMessagesList()} is empty:
     * it is for the wire only (an in-process transport, which passes objects without encoding them,
     * would lose the messages).
     */
    static ReadHistoryResponse historyResponse(StoredHistoryPage page) {
        UnknownFieldSet.Field.Builder messages = UnknownFieldSet.Field.newBuilder();
        page.messages().forEach(messages::addLengthDelimited);
        return ReadHistoryResponse.newBuilder()
                .setLastSeq(page.lastSeq())
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(ReadHistoryResponse.MESSAGES_FIELD_NUMBER, messages.build()).build())
                .build();
    }

    ReadPath.Reader<SearchHistoryResponse> searchHistory(SearchHistoryRequest request) {
        ConversationRef conversation = Conversations.canonical(validator.conversation(request.getConversation()));
        String phrase = validator.searchPhrase(request.getPhrase());
        long beforeSeq = validator.sequence("before_seq", request.getBeforeSeq());
        int limit = validator.historyLimit(request.getLimit());
        return caller -> {
            requireReadable(conversation, caller);
            SearchPage page = stateMachine.search(conversation, phrase, beforeSeq, limit, Defaults.MAX_SEARCH_SCANNED_MESSAGES);
            return SearchHistoryResponse.newBuilder().addAllMessages(page.matches()).setNextBeforeSeq(page.nextBeforeSeq()).build();
        };
    }

    ReadPath.Reader<GetUnreadResponse> getUnread(GetUnreadRequest request) {
        return caller -> GetUnreadResponse.newBuilder().addAllConversations(stateMachine.unread(caller.username())).build();
    }

    // ---- presence and friends ----

    ReadPath.Reader<ListOnlineResponse> listOnline(ListOnlineRequest request) {
        return caller -> {
            List<String> online = stateMachine.online();
            ListOnlineResponse.Builder response = ListOnlineResponse.newBuilder().addAllUsers(online);
            stateMachine.awayMessages(online).forEach((user, message) ->
                    response.addAway(AwayUser.newBuilder().setUsername(user).setMessage(message)));
            return response.build();
        };
    }

    ReadPath.Reader<ListFriendsResponse> listFriends(ListFriendsRequest request) {
        return caller -> {
            ListFriendsResponse.Builder response = ListFriendsResponse.newBuilder();
            Map<String, Boolean> friends = stateMachine.friends(caller.username());
            Map<String, String> away = stateMachine.awayMessages(friends.keySet());
            friends.forEach((name, online) -> response.addFriends(Friend.newBuilder().setUsername(name).setOnline(online)
                    .setAwayMessage(away.getOrDefault(name, ""))));
            return response.build();
        };
    }

    // ---- work-queue rooms ----

    ReadPath.Reader<ReceiveQueueResponse> receiveQueue(ReceiveQueueRequest request) {
        String room = validator.name("room", request.getRoom());
        int limit = validator.historyLimit(request.getLimit());
        return caller -> {
            requireQueue(room, caller);
            return ReceiveQueueResponse.newBuilder()
                    .addAllDeliveries(stateMachine.queueDeliveries(room, caller.tokenSha256(), limit))
                    .setConsuming(stateMachine.consuming(room, caller.tokenSha256()))
                    .build();
        };
    }

    ReadPath.Reader<QueueStatus> getQueueStatus(GetQueueStatusRequest request) {
        String room = validator.name("room", request.getRoom());
        return caller -> requireQueue(room, caller);
    }

    // ---- streams: the access they need, checked as the caller after a barrier, and how they start ----

    ReadPath.Reader<Consumer<SubscriptionHub.Subscription>> subscribe(SubscribeRequest request) {
        ConversationRef conversation = validator.conversation(request.getConversation());
        long afterSeq = validator.sequence("after_seq", request.getAfterSeq());
        return caller -> {
            requireReadable(conversation, caller);
            return subscription -> subscription.start(conversation, afterSeq, caller);
        };
    }

    /** The caller's session must consume the queue (a follower that lags knows it after the barrier). */
    ReadPath.Reader<Consumer<SubscriptionHub.QueueStream>> streamQueue(StreamQueueRequest request) {
        String room = validator.name("room", request.getRoom());
        long afterDeliveryId = validator.sequence("after_delivery_id", request.getAfterDeliveryId());
        return caller -> {
            requireQueue(room, caller);
            if (!stateMachine.consuming(room, caller.tokenSha256())) {
                throw GrpcErrors.failedPrecondition("this session does not consume queue '" + room + "': start consuming first");
            }
            return stream -> stream.start(room, afterDeliveryId, caller);
        };
    }

    // ---- access rules ----

    /** A room must exist and have the caller as a member; a private conversation must include the caller. */
    private void requireReadable(ConversationRef conversation, Caller caller) {
        requireAllowed(stateMachine.readAccess(conversation, caller.tokenSha256(), caller.username()), conversation, caller);
    }

    private static void requireAllowed(ReadAccess access, ConversationRef conversation, Caller caller) {
        StatusRuntimeException refused = GrpcErrors.noReadAccess(access, conversation, caller.username());
        if (refused != null) {
            throw refused;
        }
    }

    /** The caller must be a member of the room, and the room a work queue; returns its status. */
    private QueueStatus requireQueue(String room, Caller caller) {
        requireReadable(ConversationRef.newBuilder().setRoom(room).build(), caller);
        return stateMachine.queueStatus(room).orElseThrow(() -> GrpcErrors.failedPrecondition(
                "room '" + room + "' is not a work queue (create one with 'raftchat create-room NAME --queue')"));
    }

    /** An invite-only room's description is for its members; others see only that it exists. */
    private String visibleDescription(RoomInfo room, Caller caller) {
        return !room.inviteOnly() || stateMachine.isMember(room.name(), caller.username()) ? room.description() : "";
    }

    private HistoryQuery historyQuery(ReadHistoryRequest request) {
        int limit = validator.historyLimit(request.getLimit());
        return switch (request.getAnchorCase()) {
            case BEFORE_SEQ -> new HistoryQuery.Before(validator.sequence("before_seq", request.getBeforeSeq()), limit);
            case AFTER_SEQ -> new HistoryQuery.After(validator.sequence("after_seq", request.getAfterSeq()), limit);
            case ANCHOR_NOT_SET -> new HistoryQuery.Latest(limit);
        };
    }
}
