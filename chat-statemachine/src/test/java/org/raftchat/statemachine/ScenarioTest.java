package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.CloseSession;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.CreateRoom;
import org.raftchat.proto.v1.DeleteRoom;
import org.raftchat.proto.v1.JoinRoom;
import org.raftchat.proto.v1.LeaveRoom;
import org.raftchat.proto.v1.MarkRead;
import org.raftchat.proto.v1.OpenSession;
import org.raftchat.proto.v1.RegisterUser;
import org.raftchat.proto.v1.SetNickname;
import org.raftchat.proto.v1.StampedLimits;
import org.raftchat.proto.v1.UnreadCount;

/**
 * Golden scenario files (src/test/resources/scenarios/*.txt), in the manner of etcd-raft's testdata:
 * each line "> command args" is applied as the next log entry (index n, leader time n*1000 ms) and
 * followed by the expected result "< ..."; "? query args" reads the state and is followed by the
 * expected answer. "[key as user] command" carries user's idempotency key, with the fingerprint of
 * the command's body standing in for the one the leader takes of the client's request ("[key]": a
 * key without user or fingerprint, as commands written before keys were scoped); "window MS"
 * stamps that idempotency window on later keyed commands; "wait MS" moves the leader's clock on; "limits R M" stamps max rooms per
 * user and max members per room on later commands. A mismatch fails with the whole expected and
 * actual transcript. {@code -Dscenarios.rewrite=<dir of the files>} rewrites the expectations, to be
 * reviewed as a diff.
 */
class ScenarioTest {

    @TempDir
    Path dir;

    private long index;
    private StampedLimits limits = StampedLimits.getDefaultInstance();
    private long windowMs;
    private long waitedMs;

    @ParameterizedTest
    @ValueSource(strings = {"accounts.txt", "rooms.txt", "direct.txt", "read_positions.txt", "idempotency.txt", "queues.txt", "queue_fairness.txt", "sessions.txt"})
    void scenario(String file) throws IOException {
        List<String> lines = read(file);
        List<String> actual = new ArrayList<>();
        try (ChatStateMachine machine = ChatStateMachine.open(dir.resolve(file))) {
            for (String line : lines) {
                if (line.startsWith("<")) {
                    continue; // expectations are produced by the line they follow
                }
                actual.add(line);
                if (line.startsWith("> ")) {
                    actual.add("< " + apply(machine, line.substring(2)));
                } else if (line.startsWith("? ")) {
                    actual.add("< " + query(machine, line.substring(2).trim().split(" +")));
                } else if (line.startsWith("wait ")) {
                    waitedMs += Long.parseLong(line.substring("wait ".length()).trim());
                } else if (line.startsWith("window ")) {
                    windowMs = Long.parseLong(line.substring("window ".length()).trim());
                } else if (line.startsWith("limits ")) {
                    String[] a = line.split(" +");
                    limits = StampedLimits.newBuilder().setMaxRoomsPerUser(Integer.parseInt(a[1]))
                            .setMaxMembersPerRoom(Integer.parseInt(a[2])).build();
                }
            }
        }
        String rewriteDir = System.getProperty("scenarios.rewrite");
        if (rewriteDir != null) {
            // Regenerates the expectations; review the change with git diff like any other.
            java.nio.file.Files.writeString(Path.of(rewriteDir, file), String.join("\n", actual) + "\n");
        }
        assertThat(String.join("\n", actual)).isEqualTo(String.join("\n", lines));
    }

    private String apply(ChatStateMachine machine, String text) {
        Command command = command(text.replaceFirst("^\\[[^]]*] *", "").split(" +"));
        if (text.startsWith("[")) {
            String[] key = text.substring(1, text.indexOf(']')).split(" as ");
            command = key.length == 1 ? TestLog.keyed(key[0], command) : TestLog.keyedAs(key[1], key[0], windowMs, command);
        }
        command = command.toBuilder().setLeaderTimeMs(++index * 1000 + waitedMs).build();
        return describe(machine.applyBatch(List.of(new LogEntry(index, command.toByteArray()))).get(0));
    }

    private Command command(String[] a) {
        Command.Builder c = Command.newBuilder();
        switch (a[0]) {
            case "register" -> c.setRegisterUser(RegisterUser.newBuilder().setUsername(a[1]).setPasswordHash("hash-of-" + a[1]));
            case "login" -> c.setOpenSession(login(a));
            case "expire" -> c.setExpireSessions(org.raftchat.proto.v1.ExpireSessions.getDefaultInstance());
            case "revoke" -> c.setRevokeSession(org.raftchat.proto.v1.RevokeSession.newBuilder().setUsername(a[1])
                    .setSessionId(SessionLifetimes.id(token(a[2]).toByteArray())));
            case "logout-all" -> c.setCloseUserSessions(org.raftchat.proto.v1.CloseUserSessions.newBuilder().setUsername(a[1])
                    .setKeepTokenSha256(a.length > 2 ? token(a[2]) : ByteString.EMPTY));
            case "passwd" -> c.setChangePassword(org.raftchat.proto.v1.ChangePassword.newBuilder().setUsername(a[1])
                    .setPreviousPasswordHash(a[2]).setNewPasswordHash(a[3]).setKeepTokenSha256(token(a[4])));
            case "logout" -> c.setCloseSession(CloseSession.newBuilder().setTokenSha256(token(a[1])));
            case "nick" -> c.setSetNickname(SetNickname.newBuilder().setUsername(a[1]).setNickname(a[2]));
            case "create" -> c.setCreateRoom(CreateRoom.newBuilder().setRoom(a[1]).setCreator(a[2]).setDescription(rest(a, 3))
                    .setLimits(limits));
            case "create-queue" -> c.setCreateRoom(createQueue(a));
            case "consume" -> c.setStartConsuming(org.raftchat.proto.v1.StartConsuming.newBuilder().setRoom(a[1]).setTokenSha256(token(a[2]))
                    .setPrefetch(a.length > 3 ? Integer.parseInt(a[3].substring("prefetch=".length())) : 0));
            case "nack" -> c.setNackQueueMessage(org.raftchat.proto.v1.NackQueueMessage.newBuilder().setRoom(a[1])
                    .setTokenSha256(token(a[2])).setSeq(Long.parseLong(a[3])));
            case "expire-deliveries" -> c.setExpireQueueDeliveries(org.raftchat.proto.v1.ExpireQueueDeliveries.getDefaultInstance());
            case "stop" -> c.setStopConsuming(org.raftchat.proto.v1.StopConsuming.newBuilder().setRoom(a[1]).setTokenSha256(token(a[2])));
            case "ack" -> c.setAckQueueMessage(org.raftchat.proto.v1.AckQueueMessage.newBuilder().setRoom(a[1])
                    .setTokenSha256(token(a[2])).setSeq(Long.parseLong(a[3])));
            case "join" -> c.setJoinRoom(JoinRoom.newBuilder().setRoom(a[1]).setUser(a[2]).setLimits(limits));
            case "leave" -> c.setLeaveRoom(LeaveRoom.newBuilder().setRoom(a[1]).setUser(a[2]));
            case "delete-room" -> c.setDeleteRoom(DeleteRoom.newBuilder().setRoom(a[1]).setUser(a[2]));
            case "post" -> c.setPostRoomMessage(org.raftchat.proto.v1.PostRoomMessage.newBuilder().setRoom(a[1]).setAuthor(a[2])
                    .setText(rest(a, 3)));
            case "dm" -> c.setSendDirectMessage(org.raftchat.proto.v1.SendDirectMessage.newBuilder().setSender(a[1])
                    .setRecipient(a[2]).setText(rest(a, 3)));
            case "read" -> c.setMarkRead(MarkRead.newBuilder().setUser(a[1]).setConversation(conversation(a[2]))
                    .setSeq(Long.parseLong(a[3])));
            case "edit" -> c.setEditMessage(org.raftchat.proto.v1.EditMessage.newBuilder().setUser(a[1])
                    .setConversation(conversation(a[2])).setSeq(Long.parseLong(a[3])).setText(rest(a, 4)));
            case "delete" -> c.setDeleteMessage(org.raftchat.proto.v1.DeleteMessage.newBuilder().setUser(a[1])
                    .setConversation(conversation(a[2])).setSeq(Long.parseLong(a[3])));
            case "heartbeat" -> c.setHeartbeat(org.raftchat.proto.v1.Heartbeat.newBuilder().setTokenSha256(token(a[1])));
            case "tick" -> {
                var tick = org.raftchat.proto.v1.PresenceTick.newBuilder().setOfflineAfterMs(Long.parseLong(a[1]));
                // tick TIMEOUT_MS [TOKEN...] [-TOKEN...]: sessions the leader heard since its last tick, and
                // (with a minus) sessions it found silent; TIMEOUT_MS 0: no scan by stored time
                java.util.Arrays.stream(a, 2, a.length).forEach(t -> {
                    if (t.startsWith("-")) {
                        tick.addOfflineTokenSha256(token(t.substring(1)));
                    } else {
                        tick.addSeenTokenSha256(token(t));
                    }
                });
                c.setPresenceTick(tick);
            }
            case "friend-add" -> c.setAddFriend(org.raftchat.proto.v1.AddFriend.newBuilder().setUser(a[1]).setFriend(a[2]));
            case "friend-remove" -> c.setRemoveFriend(org.raftchat.proto.v1.RemoveFriend.newBuilder().setUser(a[1]).setFriend(a[2]));
            default -> throw new IllegalArgumentException("unknown scenario command " + a[0]);
        }
        return c.build();
    }

    /** create-queue ROOM OWNER [timeout=MS] [max=N] DESCRIPTION...: the queue policy the leader stamps. */
    private CreateRoom createQueue(String[] a) {
        org.raftchat.proto.v1.QueuePolicy.Builder policy = org.raftchat.proto.v1.QueuePolicy.newBuilder();
        int next = 3;
        for (; next < a.length && a[next].contains("="); next++) {
            String[] kv = a[next].split("=");
            switch (kv[0]) {
                case "timeout" -> policy.setAckTimeoutMs(Long.parseLong(kv[1]));
                case "max" -> policy.setMaxDeliveries(Integer.parseInt(kv[1]));
                default -> throw new IllegalArgumentException("unknown queue option " + a[next]);
            }
        }
        CreateRoom.Builder create = CreateRoom.newBuilder().setRoom(a[1]).setCreator(a[2]).setDescription(rest(a, next))
                .setLimits(limits).setQueue(true);
        return (next > 3 ? create.setQueuePolicy(policy) : create).build();
    }

    /** login USER DEVICE TOKEN [idle=MS] [life=MS] [cap=N]: the session policy the leader stamps. */
    private static OpenSession login(String[] a) {
        OpenSession.Builder login = OpenSession.newBuilder().setUsername(a[1]).setDeviceId(a[2]).setTokenSha256(token(a[3]));
        for (String option : Arrays.copyOfRange(a, 4, a.length)) {
            String[] kv = option.split("=");
            switch (kv[0]) {
                case "idle" -> login.setIdleTimeoutMs(Long.parseLong(kv[1]));
                case "life" -> login.setMaxLifetimeMs(Long.parseLong(kv[1]));
                case "cap" -> login.setMaxSessionsPerUser(Integer.parseInt(kv[1]));
                default -> throw new IllegalArgumentException("unknown login option " + option);
            }
        }
        return login.build();
    }

    private static String query(ChatStateMachine machine, String[] a) {
        return switch (a[0]) {
            case "rooms" -> machine.rooms().stream()
                    .map(r -> r.name() + (r.queue() ? "(queue owner=" : "(owner=") + r.creator() + " members=" + r.memberCount()
                            + " '" + r.description() + "')")
                    .collect(Collectors.joining(" "));
            case "members" -> String.join(" ", machine.members(a[1]));
            case "user" -> machine.user(a[1]).map(u -> u.username() + " nick=" + u.nickname() + " hash=" + u.passwordHash())
                    .orElse("none");
            case "session" -> machine.session(token(a[1]).toByteArray()).map(s -> s.username() + "/" + s.deviceId()).orElse("none");
            case "unread" -> machine.unread(a[1]).stream().map(ScenarioTest::describe).collect(Collectors.joining(" "));
            case "history" -> machine.history(conversation(a[1]), new HistoryQuery.After(0, 1000)).messages().stream()
                    .map(ScenarioTest::line).collect(Collectors.joining(" | "));
            case "online" -> String.join(" ", machine.online());
            case "sessions" -> machine.sessions(a[1], token(a[2]).toByteArray()).stream()
                    .map(v -> v.deviceId() + "(" + v.id() + ") created=" + v.createdAtMs() + " active=" + v.lastActiveMs()
                            + " idle-until=" + v.idleExpiresAtMs() + " until=" + v.expiresAtMs() + (v.current() ? " current" : ""))
                    .collect(Collectors.joining(", "));
            case "friends" -> machine.friends(a[1]).toString();
            // What the session holds: seq:author:text xN (N deliveries), and whether it still consumes.
            case "deliveries" -> machine.queueDeliveries(a[1], token(a[2]).toByteArray(), 1000).stream()
                    .map(d -> line(d.getMessage()) + " x" + d.getDeliveryCount()).collect(Collectors.collectingAndThen(
                            Collectors.joining(" | "), held -> held.isEmpty() ? "none" : held))
                    + (machine.consuming(a[1], token(a[2]).toByteArray()) ? " (consuming)" : " (not consuming)");
            // What a queue stream sends after a delivery id: id:seq xN (deliveries) until=ack deadline.
            case "stream" -> machine.queueDeliveriesAfter(a[1], token(a[2]).toByteArray(), Long.parseLong(a[3]), 1000).stream()
                    .map(d -> d.getDeliveryId() + ":" + d.getMessage().getSeq() + " x" + d.getDeliveryCount()
                            + " until=" + d.getAckDeadlineMs()).collect(Collectors.collectingAndThen(
                            Collectors.joining(" | "), sent -> sent.isEmpty() ? "none" : sent));
            // A queue's dead-letter room: seq:author:text <- the seq it had in the queue.
            case "dead-letters" -> machine.history(CanonicalConversations.room(a[1] + ".dlq"), new HistoryQuery.After(0, 1000)).messages()
                    .stream().map(m -> line(m) + " <- " + m.getRefersToSeq()).collect(Collectors.collectingAndThen(
                            Collectors.joining(" | "), dead -> dead.isEmpty() ? "none" : dead));
            case "queue" -> machine.queueStatus(a[1]).map(q -> "consumers=[" + q.getConsumersList().stream()
                    .map(c -> c.getUsername() + "/" + c.getDeviceId() + ":" + c.getInFlight() + (c.getPrefetch() > 0 ? "/" + c.getPrefetch() : ""))
                    .collect(Collectors.joining(" "))
                    + "] waiting=" + q.getWaiting() + (q.getDeadLetterRoom().isEmpty() ? "" : " dead-letters=" + q.getDeadLetterRoom()))
                    .orElse("not a queue");
            default -> throw new IllegalArgumentException("unknown scenario query " + a[0]);
        };
    }

    private static String describe(ApplyResult result) {
        if (result instanceof ApplyResult.Rejected r) {
            return "rejected " + r.reason() + ": " + r.detail();
        }
        if (result instanceof ApplyResult.MessageStored m) {
            return "stored " + describe(m.message());
        }
        if (result instanceof ApplyResult.RoomCreated r) {
            return "created " + r.room() + " at " + r.logIndex();
        }
        if (result instanceof ApplyResult.UserRegistered r) {
            return "registered " + r.username();
        }
        if (result instanceof ApplyResult.SessionOpened r) {
            return "session " + r.username() + "/" + r.deviceId() + " nick=" + r.nickname();
        }
        if (result instanceof ApplyResult.SessionClosed r) {
            return "closed " + r.username();
        }
        if (result instanceof ApplyResult.NicknameSet r) {
            return "nickname " + r.username() + " " + r.nickname();
        }
        if (result instanceof ApplyResult.MembershipChanged r) {
            return (r.member() ? "member " : "not member ") + r.room() + " " + r.user() + " count=" + r.memberCount();
        }
        if (result instanceof ApplyResult.RoomDeleted r) {
            return "deleted " + r.room() + " members=" + r.members() + " notice=" + describe(r.notice());
        }
        if (result instanceof ApplyResult.PresenceUpdated r) {
            return "presence " + r.sessions();
        }
        if (result instanceof ApplyResult.FriendshipChanged r) {
            return (r.friends() ? "friends " : "not friends ") + r.user() + " -> " + r.friend();
        }
        if (result instanceof ApplyResult.ReadMarked r) {
            return "read " + name(r.conversation()) + " up to " + r.readSeq();
        }
        if (result instanceof ApplyResult.ConsumptionChanged r) {
            return (r.consuming() ? "consuming " : "not consuming ") + r.room() + " consumers=" + r.consumerCount();
        }
        if (result instanceof ApplyResult.SessionsEnded r) {
            return "sessions ended " + (r.username().isEmpty() ? "" : r.username() + " ") + r.sessions();
        }
        if (result instanceof ApplyResult.PasswordChanged r) {
            return "password changed " + r.username() + ", other sessions ended " + r.sessionsEnded();
        }
        if (result instanceof ApplyResult.QueueAcked r) {
            return "acked " + r.room() + " " + r.seq();
        }
        if (result instanceof ApplyResult.QueueNacked r) {
            return "nacked " + r.room() + " " + r.seq() + (r.deadLettered() ? " (dead-lettered)" : "");
        }
        if (result instanceof ApplyResult.QueueDeliveriesExpired r) {
            return "expired deliveries " + r.deliveries();
        }
        return result.toString();
    }

    private static String describe(ChatMessage m) {
        return name(m.getConversation()) + " " + line(m);
    }

    /** seq:author:text, with the edit marks: "(edited)", "(deleted)", or "EDIT of 3" for an event. */
    private static String line(ChatMessage m) {
        String kind = switch (m.getKind()) {
            case EDIT -> "EDIT of " + m.getRefersToSeq();
            case DELETE -> "DELETE of " + m.getRefersToSeq();
            default -> "";
        };
        String text = kind.isEmpty() || m.getText().isEmpty() ? kind + m.getText() : kind + " " + m.getText();
        String marks = (m.getEdited() ? " (edited)" : "") + (m.getDeleted() ? " (deleted)" : "");
        return m.getSeq() + ":" + m.getAuthor() + ":" + text + marks;
    }

    private static String describe(UnreadCount c) {
        return name(c.getConversation()) + "=" + c.getReadSeq() + "/" + c.getLastSeq() + "(" + c.getUnread() + ")";
    }

    private static String name(ConversationRef c) {
        return c.getKindCase() == ConversationRef.KindCase.ROOM ? "#" + c.getRoom()
                : "@" + c.getDirect().getUserA() + "," + c.getDirect().getUserB();
    }

    /** "#room" or "@a,b". */
    private static ConversationRef conversation(String text) {
        if (text.startsWith("#")) {
            return TestLog.roomRef(text.substring(1));
        }
        String[] pair = text.substring(1).split(",");
        return TestLog.pairRef(pair[0], pair[1]);
    }

    private static ByteString token(String text) {
        // The name first, so the session id (a prefix of the digest) differs between tokens.
        return ByteString.copyFromUtf8(text + ":sha256-digest");
    }

    private static String rest(String[] a, int from) {
        return String.join(" ", Arrays.copyOfRange(a, Math.min(from, a.length), a.length));
    }

    private static List<String> read(String file) throws IOException {
        try (InputStream in = ScenarioTest.class.getResourceAsStream("/scenarios/" + file)) {
            if (in == null) {
                throw new IOException("no scenario file " + file);
            }
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().split("\n"));
        }
    }
}
