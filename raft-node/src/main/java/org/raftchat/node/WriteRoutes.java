package org.raftchat.node;

import com.google.protobuf.ByteString;
import java.util.function.UnaryOperator;
import org.raftchat.config.Limits;
import org.raftchat.proto.v1.AckQueueMessage;
import org.raftchat.proto.v1.AckQueueMessageRequest;
import org.raftchat.proto.v1.AckQueueMessageResponse;
import org.raftchat.proto.v1.AddFriend;
import org.raftchat.proto.v1.BanFromRoom;
import org.raftchat.proto.v1.CloseSession;
import org.raftchat.proto.v1.CloseUserSessions;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.ConsumeRequest;
import org.raftchat.proto.v1.ConsumeResponse;
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
import org.raftchat.proto.v1.FriendRequest;
import org.raftchat.proto.v1.FriendResponse;
import org.raftchat.proto.v1.InviteToRoom;
import org.raftchat.proto.v1.JoinRoom;
import org.raftchat.proto.v1.JoinRoomRequest;
import org.raftchat.proto.v1.KickFromRoom;
import org.raftchat.proto.v1.LeaveRoom;
import org.raftchat.proto.v1.LeaveRoomRequest;
import org.raftchat.proto.v1.LogoutAllRequest;
import org.raftchat.proto.v1.LogoutAllResponse;
import org.raftchat.proto.v1.LogoutRequest;
import org.raftchat.proto.v1.LogoutResponse;
import org.raftchat.proto.v1.MarkRead;
import org.raftchat.proto.v1.MarkReadRequest;
import org.raftchat.proto.v1.MarkReadResponse;
import org.raftchat.proto.v1.ModerationRequest;
import org.raftchat.proto.v1.ModerationResponse;
import org.raftchat.proto.v1.NackQueueMessage;
import org.raftchat.proto.v1.NackQueueMessageRequest;
import org.raftchat.proto.v1.NackQueueMessageResponse;
import org.raftchat.proto.v1.PostMessageResponse;
import org.raftchat.proto.v1.PostRoomMessage;
import org.raftchat.proto.v1.PostRoomMessageRequest;
import org.raftchat.proto.v1.QueuePolicy;
import org.raftchat.proto.v1.RemoveFriend;
import org.raftchat.proto.v1.RevokeSession;
import org.raftchat.proto.v1.RevokeSessionRequest;
import org.raftchat.proto.v1.RevokeSessionResponse;
import org.raftchat.proto.v1.RoomMembershipResponse;
import org.raftchat.proto.v1.RoomSettingsResponse;
import org.raftchat.proto.v1.SendDirectMessage;
import org.raftchat.proto.v1.SendDirectMessageRequest;
import org.raftchat.proto.v1.SetAway;
import org.raftchat.proto.v1.SetAwayRequest;
import org.raftchat.proto.v1.SetAwayResponse;
import org.raftchat.proto.v1.SetNickname;
import org.raftchat.proto.v1.SetNicknameRequest;
import org.raftchat.proto.v1.SetNicknameResponse;
import org.raftchat.proto.v1.SetRoomInviteOnly;
import org.raftchat.proto.v1.SetRoomInviteOnlyRequest;
import org.raftchat.proto.v1.SetRoomTopic;
import org.raftchat.proto.v1.SetRoomTopicRequest;
import org.raftchat.proto.v1.StampedLimits;
import org.raftchat.proto.v1.StartConsuming;
import org.raftchat.proto.v1.StopConsuming;
import org.raftchat.proto.v1.UnbanFromRoom;
import org.raftchat.statemachine.ApplyResult;

/**
 * Every write of the client API that {@link WritePath} serves, one {@link WriteRoute} each: what the
 * request must be, the command it becomes, and the answer its applied result becomes. Adding a
 * write command on the node is one route here and one line in {@link ChatGrpcService}. The writes
 * that cannot take WritePath's way (register, log in, change password, heartbeat) are in
 * {@link OwnWayRoutes}, in the same shape.
 */
final class WriteRoutes {

    private final RequestValidator validator;
    /** Stamped into commands so apply enforces the leader's limits without reading config. */
    private final StampedLimits stampedLimits;
    private final QueueRequests queueRequests;
    /** A room's description as this node has it now (empty if there is no such room). */
    private final UnaryOperator<String> roomDescription;

    WriteRoutes(RequestValidator validator, Limits limits, UnaryOperator<String> roomDescription) {
        this.validator = validator;
        this.stampedLimits = StampedLimits.newBuilder()
                .setMaxRoomsPerUser(limits.maxRoomsPerUser())
                .setMaxMembersPerRoom(limits.maxMembersPerRoom())
                .build();
        this.queueRequests = new QueueRequests(limits.maxNameLength());
        this.roomDescription = roomDescription;
    }

    // ---- accounts and sessions ----

    final WriteRoute<LogoutRequest, ApplyResult.SessionClosed, LogoutResponse> logout = new WriteRoute<>(
            LogoutRequest::getIdempotencyKey, this::checkLogout,
            ApplyResult.SessionClosed.class, closed -> LogoutResponse.getDefaultInstance());

    final WriteRoute<SetNicknameRequest, ApplyResult.NicknameSet, SetNicknameResponse> setNickname = new WriteRoute<>(
            SetNicknameRequest::getIdempotencyKey, this::checkSetNickname,
            ApplyResult.NicknameSet.class, set -> SetNicknameResponse.newBuilder().setNickname(set.nickname()).build());

    /** Ends one of the caller's sessions, named by its id; apply finds it among the caller's own only. */
    final WriteRoute<RevokeSessionRequest, ApplyResult.SessionsEnded, RevokeSessionResponse> revokeSession = new WriteRoute<>(
            RevokeSessionRequest::getIdempotencyKey, this::checkRevokeSession,
            ApplyResult.SessionsEnded.class,
            ended -> RevokeSessionResponse.newBuilder().setSessionsEnded(ended.sessions()).build());

    final WriteRoute<LogoutAllRequest, ApplyResult.SessionsEnded, LogoutAllResponse> logoutAll = new WriteRoute<>(
            LogoutAllRequest::getIdempotencyKey, this::checkLogoutAll,
            ApplyResult.SessionsEnded.class, ended -> LogoutAllResponse.newBuilder().setSessionsEnded(ended.sessions()).build());

    // ---- rooms ----

    final WriteRoute<CreateRoomRequest, ApplyResult.RoomCreated, CreateRoomResponse> createRoom = new WriteRoute<>(
            CreateRoomRequest::getIdempotencyKey, this::checkCreateRoom,
            ApplyResult.RoomCreated.class,
            created -> CreateRoomResponse.newBuilder().setRoom(created.room()).setLogIndex(created.logIndex()).build());

    final WriteRoute<JoinRoomRequest, ApplyResult.MembershipChanged, RoomMembershipResponse> joinRoom = new WriteRoute<>(
            JoinRoomRequest::getIdempotencyKey, this::checkJoinRoom,
            ApplyResult.MembershipChanged.class, this::joined);

    final WriteRoute<LeaveRoomRequest, ApplyResult.MembershipChanged, RoomMembershipResponse> leaveRoom = new WriteRoute<>(
            LeaveRoomRequest::getIdempotencyKey, this::checkLeaveRoom,
            ApplyResult.MembershipChanged.class, WriteRoutes::membership);

    final WriteRoute<DeleteRoomRequest, ApplyResult.RoomDeleted, DeleteRoomResponse> deleteRoom = new WriteRoute<>(
            DeleteRoomRequest::getIdempotencyKey, this::checkDeleteRoom,
            ApplyResult.RoomDeleted.class,
            deleted -> DeleteRoomResponse.newBuilder().setRoom(deleted.room()).addAllMovedToMainHall(deleted.members()).build());

    // ---- messages ----

    final WriteRoute<PostRoomMessageRequest, ApplyResult.MessageStored, PostMessageResponse> postRoomMessage = new WriteRoute<>(
            PostRoomMessageRequest::getIdempotencyKey, this::checkPostRoomMessage,
            ApplyResult.MessageStored.class, WriteRoutes::messageStored);

    final WriteRoute<SendDirectMessageRequest, ApplyResult.MessageStored, PostMessageResponse> sendDirectMessage =
            new WriteRoute<>(SendDirectMessageRequest::getIdempotencyKey, this::checkSendDirectMessage,
                    ApplyResult.MessageStored.class, WriteRoutes::messageStored);

    final WriteRoute<EditMessageRequest, ApplyResult.MessageStored, PostMessageResponse> editMessage = new WriteRoute<>(
            EditMessageRequest::getIdempotencyKey, this::checkEditMessage,
            ApplyResult.MessageStored.class, WriteRoutes::messageStored);

    final WriteRoute<DeleteMessageRequest, ApplyResult.MessageStored, PostMessageResponse> deleteMessage = new WriteRoute<>(
            DeleteMessageRequest::getIdempotencyKey, this::checkDeleteMessage,
            ApplyResult.MessageStored.class, WriteRoutes::messageStored);

    final WriteRoute<MarkReadRequest, ApplyResult.ReadMarked, MarkReadResponse> markRead = new WriteRoute<>(
            MarkReadRequest::getIdempotencyKey, this::checkMarkRead,
            ApplyResult.ReadMarked.class, marked -> MarkReadResponse.newBuilder().setReadSeq(marked.readSeq()).build());

    // ---- friends ----

    final WriteRoute<FriendRequest, ApplyResult.FriendshipChanged, FriendResponse> addFriend = new WriteRoute<>(
            FriendRequest::getIdempotencyKey, this::checkAddFriend,
            ApplyResult.FriendshipChanged.class, WriteRoutes::friendship);

    final WriteRoute<FriendRequest, ApplyResult.FriendshipChanged, FriendResponse> removeFriend = new WriteRoute<>(
            FriendRequest::getIdempotencyKey, this::checkRemoveFriend,
            ApplyResult.FriendshipChanged.class, WriteRoutes::friendship);

    // ---- work-queue rooms (they act on the caller's session: its token digest is part of the request) ----

    final WriteRoute<ConsumeRequest, ApplyResult.ConsumptionChanged, ConsumeResponse> startConsuming = new WriteRoute<>(
            ConsumeRequest::getIdempotencyKey, this::checkStartConsuming,
            ApplyResult.ConsumptionChanged.class, WriteRoutes::consumption);

    final WriteRoute<ConsumeRequest, ApplyResult.ConsumptionChanged, ConsumeResponse> stopConsuming = new WriteRoute<>(
            ConsumeRequest::getIdempotencyKey, this::checkStopConsuming,
            ApplyResult.ConsumptionChanged.class, WriteRoutes::consumption);

    final WriteRoute<AckQueueMessageRequest, ApplyResult.QueueAcked, AckQueueMessageResponse> ackQueueMessage = new WriteRoute<>(
            AckQueueMessageRequest::getIdempotencyKey, this::checkAckQueueMessage,
            ApplyResult.QueueAcked.class,
            acked -> AckQueueMessageResponse.newBuilder().setRoom(acked.room()).setSeq(acked.seq()).build());

    final WriteRoute<NackQueueMessageRequest, ApplyResult.QueueNacked, NackQueueMessageResponse> nackQueueMessage =
            new WriteRoute<>(NackQueueMessageRequest::getIdempotencyKey, this::checkNackQueueMessage,
                    ApplyResult.QueueNacked.class, nacked -> NackQueueMessageResponse.newBuilder().setRoom(nacked.room())
                            .setSeq(nacked.seq()).setDeadLettered(nacked.deadLettered()).build());

    // ---- room settings, moderation, away ----

    final WriteRoute<SetRoomTopicRequest, ApplyResult.RoomSettingsChanged, RoomSettingsResponse> setRoomTopic = new WriteRoute<>(
            SetRoomTopicRequest::getIdempotencyKey, this::checkSetRoomTopic,
            ApplyResult.RoomSettingsChanged.class, WriteRoutes::settings);

    final WriteRoute<SetRoomInviteOnlyRequest, ApplyResult.RoomSettingsChanged, RoomSettingsResponse> setRoomInviteOnly =
            new WriteRoute<>(SetRoomInviteOnlyRequest::getIdempotencyKey, this::checkSetRoomInviteOnly,
                    ApplyResult.RoomSettingsChanged.class, WriteRoutes::settings);

    final WriteRoute<ModerationRequest, ApplyResult.StandingChanged, ModerationResponse> inviteToRoom = moderation(
            (room, owner, target) -> Command.newBuilder()
                    .setInviteToRoom(InviteToRoom.newBuilder().setRoom(room).setUser(owner).setTarget(target)));

    final WriteRoute<ModerationRequest, ApplyResult.StandingChanged, ModerationResponse> kickFromRoom = moderation(
            (room, owner, target) -> Command.newBuilder()
                    .setKickFromRoom(KickFromRoom.newBuilder().setRoom(room).setUser(owner).setTarget(target)));

    final WriteRoute<ModerationRequest, ApplyResult.StandingChanged, ModerationResponse> banFromRoom = moderation(
            (room, owner, target) -> Command.newBuilder()
                    .setBanFromRoom(BanFromRoom.newBuilder().setRoom(room).setUser(owner).setTarget(target)));

    final WriteRoute<ModerationRequest, ApplyResult.StandingChanged, ModerationResponse> unbanFromRoom = moderation(
            (room, owner, target) -> Command.newBuilder()
                    .setUnbanFromRoom(UnbanFromRoom.newBuilder().setRoom(room).setUser(owner).setTarget(target)));

    final WriteRoute<SetAwayRequest, ApplyResult.AwaySet, SetAwayResponse> setAway = new WriteRoute<>(
            SetAwayRequest::getIdempotencyKey, this::checkSetAway,
            ApplyResult.AwaySet.class, away -> SetAwayResponse.newBuilder().setMessage(away.message()).build());

    // ---- the checks: each refuses bad input (InvalidRequestException) and says what to propose as the caller ----

    private WriteRoute.Proposal checkLogout(LogoutRequest request) {
        return caller -> new WriteRoute.Draft(Command.newBuilder().setCloseSession(
                CloseSession.newBuilder().setTokenSha256(ByteString.copyFrom(caller.tokenSha256()))), caller.tokenSha256());
    }

    private WriteRoute.Proposal checkSetNickname(SetNicknameRequest request) {
        String nickname = validator.name("nickname", request.getNickname());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setSetNickname(
                SetNickname.newBuilder().setUsername(caller.username()).setNickname(nickname)), nickname);
    }

    private WriteRoute.Proposal checkRevokeSession(RevokeSessionRequest request) {
        String sessionId = validator.sessionId(request.getSessionId());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setRevokeSession(
                RevokeSession.newBuilder().setUsername(caller.username()).setSessionId(sessionId)), sessionId);
    }

    private WriteRoute.Proposal checkLogoutAll(LogoutAllRequest request) {
        return caller -> {
            CloseUserSessions.Builder body = CloseUserSessions.newBuilder().setUsername(caller.username());
            if (request.getKeepCurrent()) {
                body.setKeepTokenSha256(ByteString.copyFrom(caller.tokenSha256()));
            }
            return new WriteRoute.Draft(Command.newBuilder().setCloseUserSessions(body), request.getKeepCurrent(),
                    caller.tokenSha256());
        };
    }

    private WriteRoute.Proposal checkCreateRoom(CreateRoomRequest request) {
        String room = validator.name("room", request.getRoom());
        String description = validator.description(request.getDescription());
        QueuePolicy policy = queueRequests.createRoomPolicy(room, request.getQueue(), request.getQueuePolicy());
        return caller -> {
            CreateRoom.Builder body = CreateRoom.newBuilder().setRoom(room).setCreator(caller.username())
                    .setDescription(description).setLimits(stampedLimits).setQueue(request.getQueue())
                    .setInviteOnly(request.getInviteOnly());
            Command.Builder command = Command.newBuilder().setCreateRoom(request.getQueue() ? body.setQueuePolicy(policy) : body);
            return new WriteRoute.Draft(command, room, description, request.getQueue(), request.getQueuePolicy(),
                    request.getInviteOnly());
        };
    }

    private WriteRoute.Proposal checkJoinRoom(JoinRoomRequest request) {
        String room = validator.name("room", request.getRoom());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setJoinRoom(
                JoinRoom.newBuilder().setRoom(room).setUser(caller.username()).setLimits(stampedLimits)), room);
    }

    private WriteRoute.Proposal checkLeaveRoom(LeaveRoomRequest request) {
        String room = validator.name("room", request.getRoom());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setLeaveRoom(
                LeaveRoom.newBuilder().setRoom(room).setUser(caller.username())), room);
    }

    private WriteRoute.Proposal checkDeleteRoom(DeleteRoomRequest request) {
        String room = validator.name("room", request.getRoom());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setDeleteRoom(
                DeleteRoom.newBuilder().setRoom(room).setUser(caller.username())), room);
    }

    private WriteRoute.Proposal checkPostRoomMessage(PostRoomMessageRequest request) {
        String room = validator.name("room", request.getRoom());
        String text = validator.text(request.getText());
        // The command takes the text as the request's UTF-8 bytes (a copy): set as a String, protobuf
        // would measure and encode it again, character by character, when the entry is written.
        return caller -> new WriteRoute.Draft(Command.newBuilder().setPostRoomMessage(
                PostRoomMessage.newBuilder().setRoom(room).setAuthor(caller.username()).setTextBytes(request.getTextBytes())),
                room, text);
    }

    private WriteRoute.Proposal checkSendDirectMessage(SendDirectMessageRequest request) {
        String recipient = validator.name("recipient", request.getRecipient());
        String text = validator.text(request.getText());
        return caller -> {
            validator.directPair(caller.username(), recipient);
            // The text as bytes, as for a post.
            return new WriteRoute.Draft(Command.newBuilder().setSendDirectMessage(
                    SendDirectMessage.newBuilder().setSender(caller.username()).setRecipient(recipient).setTextBytes(request.getTextBytes())),
                    recipient, text);
        };
    }

    private WriteRoute.Proposal checkEditMessage(EditMessageRequest request) {
        ConversationRef conversation = validator.conversation(request.getConversation());
        long seq = validator.sequence("seq", request.getSeq());
        String text = validator.text(request.getText());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setEditMessage(EditMessage.newBuilder()
                .setUser(caller.username()).setConversation(conversation).setSeq(seq).setText(text)),
                conversation, seq, text);
    }

    private WriteRoute.Proposal checkDeleteMessage(DeleteMessageRequest request) {
        ConversationRef conversation = validator.conversation(request.getConversation());
        long seq = validator.sequence("seq", request.getSeq());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setDeleteMessage(DeleteMessage.newBuilder()
                .setUser(caller.username()).setConversation(conversation).setSeq(seq)), conversation, seq);
    }

    private WriteRoute.Proposal checkMarkRead(MarkReadRequest request) {
        ConversationRef conversation = validator.conversation(request.getConversation());
        long seq = validator.sequence("seq", request.getSeq());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setMarkRead(
                MarkRead.newBuilder().setUser(caller.username()).setConversation(conversation).setSeq(seq)),
                conversation, seq);
    }

    private WriteRoute.Proposal checkAddFriend(FriendRequest request) {
        String friend = validator.name("friend", request.getFriend());
        return caller -> {
            validator.directPair(caller.username(), friend);
            return new WriteRoute.Draft(Command.newBuilder().setAddFriend(
                    AddFriend.newBuilder().setUser(caller.username()).setFriend(friend)), friend);
        };
    }

    private WriteRoute.Proposal checkRemoveFriend(FriendRequest request) {
        String friend = validator.name("friend", request.getFriend());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setRemoveFriend(
                RemoveFriend.newBuilder().setUser(caller.username()).setFriend(friend)), friend);
    }

    private WriteRoute.Proposal checkStartConsuming(ConsumeRequest request) {
        String room = validator.name("room", request.getRoom());
        int prefetch = QueueRequests.prefetch(request.getPrefetch());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setStartConsuming(StartConsuming.newBuilder()
                .setRoom(room).setTokenSha256(ByteString.copyFrom(caller.tokenSha256())).setPrefetch(prefetch)),
                room, caller.tokenSha256(), prefetch);
    }

    private WriteRoute.Proposal checkStopConsuming(ConsumeRequest request) {
        String room = validator.name("room", request.getRoom());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setStopConsuming(StopConsuming.newBuilder()
                .setRoom(room).setTokenSha256(ByteString.copyFrom(caller.tokenSha256()))), room, caller.tokenSha256());
    }

    private WriteRoute.Proposal checkAckQueueMessage(AckQueueMessageRequest request) {
        String room = validator.name("room", request.getRoom());
        long seq = validator.sequence("seq", request.getSeq());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setAckQueueMessage(AckQueueMessage.newBuilder()
                .setRoom(room).setTokenSha256(ByteString.copyFrom(caller.tokenSha256())).setSeq(seq)),
                room, seq, caller.tokenSha256());
    }

    private WriteRoute.Proposal checkNackQueueMessage(NackQueueMessageRequest request) {
        String room = validator.name("room", request.getRoom());
        long seq = validator.sequence("seq", request.getSeq());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setNackQueueMessage(NackQueueMessage.newBuilder()
                .setRoom(room).setTokenSha256(ByteString.copyFrom(caller.tokenSha256())).setSeq(seq)),
                room, seq, caller.tokenSha256());
    }

    private WriteRoute.Proposal checkSetRoomTopic(SetRoomTopicRequest request) {
        String room = validator.name("room", request.getRoom());
        String topic = validator.topic(request.getTopic());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setSetRoomTopic(
                SetRoomTopic.newBuilder().setRoom(room).setUser(caller.username()).setTopic(topic)), room, topic);
    }

    private WriteRoute.Proposal checkSetRoomInviteOnly(SetRoomInviteOnlyRequest request) {
        String room = validator.name("room", request.getRoom());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setSetRoomInviteOnly(SetRoomInviteOnly.newBuilder()
                .setRoom(room).setUser(caller.username()).setInviteOnly(request.getInviteOnly())),
                room, request.getInviteOnly());
    }

    private WriteRoute.Proposal checkSetAway(SetAwayRequest request) {
        String message = validator.awayMessage(request.getMessage());
        return caller -> new WriteRoute.Draft(Command.newBuilder().setSetAway(
                SetAway.newBuilder().setUsername(caller.username()).setMessage(message)), message);
    }

    /** The topic as the leader has it now, read after the join applied: what the new member sees first. */
    private RoomMembershipResponse joined(ApplyResult.MembershipChanged joined) {
        return membership(joined).toBuilder().setDescription(roomDescription.apply(joined.room())).build();
    }

    /** The four moderation commands take the same request and give the same answer; only the body differs. */
    private interface ModerationBody {
        Command.Builder of(String room, String owner, String target);
    }

    private WriteRoute<ModerationRequest, ApplyResult.StandingChanged, ModerationResponse> moderation(ModerationBody body) {
        return new WriteRoute<>(
                ModerationRequest::getIdempotencyKey,
                request -> {
                    String room = validator.name("room", request.getRoom());
                    String target = validator.name("user", request.getUser());
                    return caller -> new WriteRoute.Draft(body.of(room, caller.username(), target), room, target);
                },
                ApplyResult.StandingChanged.class,
                s -> ModerationResponse.newBuilder().setRoom(s.room()).setUser(s.user()).setMember(s.member())
                        .setInvited(s.invited()).setBanned(s.banned()).build());
    }

    // ---- answers shared by several routes ----

    private static RoomMembershipResponse membership(ApplyResult.MembershipChanged changed) {
        return RoomMembershipResponse.newBuilder().setRoom(changed.room()).setMember(changed.member())
                .setMemberCount(changed.memberCount()).build();
    }

    private static PostMessageResponse messageStored(ApplyResult.MessageStored stored) {
        return PostMessageResponse.newBuilder().setMessage(stored.message()).build();
    }

    private static FriendResponse friendship(ApplyResult.FriendshipChanged changed) {
        return FriendResponse.newBuilder().setFriend(changed.friend()).setFriends(changed.friends()).build();
    }

    private static ConsumeResponse consumption(ApplyResult.ConsumptionChanged changed) {
        return ConsumeResponse.newBuilder().setRoom(changed.room()).setConsuming(changed.consuming())
                .setConsumerCount(changed.consumerCount()).build();
    }

    private static RoomSettingsResponse settings(ApplyResult.RoomSettingsChanged changed) {
        return RoomSettingsResponse.newBuilder().setRoom(changed.room()).setDescription(changed.description())
                .setInviteOnly(changed.inviteOnly()).build();
    }
}
