package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.ConversationRef;

class DeterminismTest {

    /** A few seconds of the generated clock: records expire and are pruned many times over the log. */
    private static final long IDEMPOTENCY_WINDOW_MS = 3_000;

    private static final int COMMANDS = 4_000;
    private static final String[] USERS = {"alice", "bob", "carol", "dave", "erin"};

    @TempDir
    Path dir;

    @Test
    void sameLogInDifferentBatchSplitsGivesTheSameState() {
        // Goal: same log in, same state out, whatever the batching: digests, results and seqs agree.
        List<LogEntry> log = generateLog(new Random(20240611L));

        List<ApplyResult> oneByOne;
        byte[] digestA;
        try (ChatStateMachine a = ChatStateMachine.open(dir.resolve("a"))) {
            oneByOne = applyInSplits(a, log, new Random(1), 1);
            digestA = a.stateDigest();
            assertSeqsWithoutGaps(a, log, oneByOne);
        }
        try (ChatStateMachine b = ChatStateMachine.open(dir.resolve("b"))) {
            List<ApplyResult> randomSplits = applyInSplits(b, log, new Random(2), 300);

            assertThat(b.stateDigest()).isEqualTo(digestA);
            assertThat(randomSplits).isEqualTo(oneByOne);
            assertThat(b.appliedIndex()).isEqualTo(log.get(log.size() - 1).index());
        }
        assertThat(oneByOne).hasAtLeastOneElementOfType(ApplyResult.Rejected.class);
        assertThat(oneByOne).as("keys reused for other requests").anyMatch(result ->
                result instanceof ApplyResult.Rejected rejected && rejected.reason() == Rejection.IDEMPOTENCY_KEY_REUSED);
        // The mix really expired sessions (not only no-op expiry commands).
        assertThat(oneByOne).anyMatch(r -> r instanceof ApplyResult.SessionsEnded ended && ended.sessions() > 0);
        // Edits and deletes took effect somewhere (not only refusals).
        for (org.raftchat.proto.v1.MessageKind kind : List.of(org.raftchat.proto.v1.MessageKind.EDIT, org.raftchat.proto.v1.MessageKind.DELETE)) {
            assertThat(oneByOne).as("%s applied", kind)
                    .anyMatch(r -> r instanceof ApplyResult.MessageStored stored && stored.message().getKind() == kind);
        }
        // Moderation took effect somewhere (not only refusals).
        assertThat(oneByOne).anyMatch(r -> r instanceof ApplyResult.StandingChanged);
    }

    @Test
    void aDifferentLogGivesADifferentDigest() {
        // Goal: the digest actually depends on the content (guards against a digest of nothing).
        try (ChatStateMachine a = ChatStateMachine.open(dir.resolve("a"));
                ChatStateMachine b = ChatStateMachine.open(dir.resolve("b"))) {
            TestLog.registerAll(a, "x", "y");
            TestLog.registerAll(b, "x", "y");
            a.applyBatch(TestLog.entries(3, TestLog.direct("x", "y", "hello")));
            b.applyBatch(TestLog.entries(3, TestLog.direct("x", "y", "hellO")));

            assertThat(a.stateDigest()).isNotEqualTo(b.stateDigest());
        }
    }

    /** Mixed commands with refusals, retries (same key, same or later batch) and a jittery leader clock. */
    private static List<LogEntry> generateLog(Random random) {
        List<String> rooms = new ArrayList<>();
        List<Command> sent = new ArrayList<>();
        List<LogEntry> log = new ArrayList<>();
        long index = 1;
        long clockMs = 1_700_000_000_000L;
        for (String user : USERS) {
            log.add(TestLog.entry(index++, TestLog.at(clockMs, TestLog.register(user))));
        }
        for (String user : USERS) {
            log.add(TestLog.entry(index++, TestLog.at(clockMs, TestLog.login(user, "d", "token-" + user))));
        }
        for (int i = 0; i < COMMANDS; i++) {
            clockMs += random.nextInt(200) - 50; // goes backwards sometimes: leader changes, clock skew
            Command command = random.nextInt(10) == 0 && !sent.isEmpty()
                    ? sent.get(random.nextInt(sent.size())) // a client retry: same key, same body
                    : keyedLikeTheNode(i % 10 == 0 && i >= 10 ? i - 3 : i, randomBody(random, rooms));
            sent.add(command);
            log.add(TestLog.entry(index, TestLog.at(clockMs, command)));
            index += 1 + (random.nextInt(20) == 0 ? 1 : 0); // the odd configuration entry leaves a gap
        }
        return log;
    }

    /**
     * Logins, presence ticks and expiries are built by the node and never carry a client's idempotency key.
     * Key n belongs to user n mod 5; every tenth command reuses the key of the command three before
     * it (mostly for another request: refused), and the short window prunes records all along the log.
     */
    private static Command keyedLikeTheNode(int key, Command command) {
        return switch (command.getBodyCase()) {
            case OPEN_SESSION, PRESENCE_TICK, EXPIRE_SESSIONS, EXPIRE_QUEUE_DELIVERIES -> command;
            default -> TestLog.keyedAs(USERS[key % USERS.length], "key-" + key, IDEMPOTENCY_WINDOW_MS, command);
        };
    }

    private static Command randomBody(Random random, List<String> rooms) {
        String user = USERS[random.nextInt(USERS.length)];
        String token = "token-" + user;
        int kind = random.nextInt(15);
        if (kind == 0 || rooms.isEmpty()) {
            String room = "room-" + random.nextInt(30); // may already exist: a refusal
            rooms.add(room);
            return random.nextBoolean() ? fairQueue(random, TestLog.createQueue(room, user)) : TestLog.createRoom(room, user);
        }
        String room = random.nextInt(15) == 0 ? "missing" : rooms.get(random.nextInt(rooms.size()));
        if (kind == 1) {
            return TestLog.join(room, user);
        }
        if (kind == 2) {
            return random.nextInt(4) == 0 ? TestLog.deleteRoom(room, user) : TestLog.leave(room, user);
        }
        if (kind == 3) {
            return TestLog.markRead(user, TestLog.roomRef(room), random.nextInt(10));
        }
        if (kind == 7) {
            // Edits and deletes of earlier posts (mostly refused: another author's, or no such seq): their
            // edit-event and dead-letter-copy indexes must come out the same whatever the batching.
            org.raftchat.proto.v1.ConversationRef where = TestLog.roomRef(room);
            long seq = 1 + random.nextInt(20);
            return random.nextBoolean()
                    ? Command.newBuilder().setEditMessage(org.raftchat.proto.v1.EditMessage.newBuilder()
                            .setConversation(where).setUser(user).setSeq(seq).setText("edit " + random.nextLong())).build()
                    : Command.newBuilder().setDeleteMessage(org.raftchat.proto.v1.DeleteMessage.newBuilder()
                            .setConversation(where).setUser(user).setSeq(seq)).build();
        }
        if (kind < 8) {
            return TestLog.post(room, user, "text " + random.nextLong());
        }
        // Work queues: consumers come and go (stop, a re-login, a presence tick), acks hit or miss.
        if (kind == 10 || kind == 11) {
            Command start = TestLog.startConsuming(room, token);
            return start.toBuilder().setStartConsuming(start.getStartConsuming().toBuilder().setPrefetch(random.nextInt(4))).build();
        }
        if (kind == 12) {
            return random.nextBoolean() ? TestLog.stopConsuming(room, token) : loginWithPolicy(random, user, token);
        }
        if (kind == 13) {
            Command ack = TestLog.ack(room, token, 1 + random.nextInt(20));
            return random.nextBoolean() ? ack : Command.newBuilder().setNackQueueMessage(org.raftchat.proto.v1.NackQueueMessage.newBuilder()
                    .setRoom(room).setTokenSha256(ack.getAckQueueMessage().getTokenSha256()).setSeq(ack.getAckQueueMessage().getSeq())).build();
        }
        if (kind == 14) {
            return TestLog.presenceTick(100 + random.nextInt(400));
        }
        if (kind == 8 && random.nextBoolean()) {
            return Command.newBuilder().setExpireQueueDeliveries(org.raftchat.proto.v1.ExpireQueueDeliveries.getDefaultInstance()).build();
        }
        if (kind == 9 && random.nextBoolean()) {
            return Command.newBuilder().setExpireSessions(org.raftchat.proto.v1.ExpireSessions.getDefaultInstance()).build();
        }
        if (kind == 8) {
            return moderation(random, room, user, USERS[random.nextInt(USERS.length)]);
        }
        return TestLog.direct(user, USERS[random.nextInt(USERS.length)], "dm " + random.nextLong());
    }

    /** Half the queues have an ack timeout and a delivery limit (and so a dead-letter room). */
    private static Command fairQueue(Random random, Command create) {
        if (random.nextBoolean()) {
            return create;
        }
        return create.toBuilder().setCreateRoom(create.getCreateRoom().toBuilder().setQueuePolicy(org.raftchat.proto.v1.QueuePolicy
                .newBuilder().setAckTimeoutMs(100 + random.nextInt(2_000)).setMaxDeliveries(1 + random.nextInt(3)))).build();
    }

    /** Owners (and others, refused) moderating: kicks and bans take consumers out of queue rooms too. */
    private static Command moderation(Random random, String room, String user, String target) {
        Command.Builder c = Command.newBuilder();
        return switch (random.nextInt(6)) {
            case 0 -> c.setKickFromRoom(org.raftchat.proto.v1.KickFromRoom.newBuilder().setRoom(room).setUser(user).setTarget(target)).build();
            case 1 -> c.setBanFromRoom(org.raftchat.proto.v1.BanFromRoom.newBuilder().setRoom(room).setUser(user).setTarget(target)).build();
            case 2 -> c.setUnbanFromRoom(org.raftchat.proto.v1.UnbanFromRoom.newBuilder().setRoom(room).setUser(user).setTarget(target)).build();
            case 3 -> c.setInviteToRoom(org.raftchat.proto.v1.InviteToRoom.newBuilder().setRoom(room).setUser(user).setTarget(target)).build();
            case 4 -> c.setSetRoomInviteOnly(org.raftchat.proto.v1.SetRoomInviteOnly.newBuilder().setRoom(room).setUser(user)
                    .setInviteOnly(random.nextBoolean())).build();
            default -> c.setSetRoomTopic(org.raftchat.proto.v1.SetRoomTopic.newBuilder().setRoom(room).setUser(user)
                    .setTopic("topic " + random.nextInt(100))).build();
        };
    }

    /** Sessions that expire, on a few devices per user, under a small cap: expiry and eviction in the mix. */
    private static Command loginWithPolicy(Random random, String user, String token) {
        Command login = TestLog.login(user, "d" + random.nextInt(3), token + "-" + random.nextInt(4));
        return login.toBuilder().setOpenSession(login.getOpenSession().toBuilder()
                .setIdleTimeoutMs(200 + random.nextInt(2_000)).setMaxLifetimeMs(1_000 + random.nextInt(5_000))
                .setMaxSessionsPerUser(1 + random.nextInt(3))).build();
    }

    private static List<ApplyResult> applyInSplits(ChatStateMachine machine, List<LogEntry> log, Random random, int maxBatch) {
        List<ApplyResult> results = new ArrayList<>();
        int from = 0;
        while (from < log.size()) {
            int to = Math.min(log.size(), from + 1 + random.nextInt(maxBatch));
            results.addAll(machine.applyBatch(log.subList(from, to)));
            from = to;
        }
        return results;
    }

    /**
     * Every conversation's stored seqs are exactly 1..lastSeq, and lastSeq counts the distinct stored
     * messages. A deleted room's messages go with it (a room re-created under its name starts at 1).
     */
    private static void assertSeqsWithoutGaps(ChatStateMachine machine, List<LogEntry> log, List<ApplyResult> results) {
        Map<ConversationRef, Long> highest = new HashMap<>();
        for (int i = 0; i < results.size(); i++) {
            ApplyResult result = results.get(i);
            long index = log.get(i).index(); // a retry returns an older entry's result: skip those
            if (result instanceof ApplyResult.MessageStored stored && stored.message().getLogIndex() == index) {
                highest.merge(stored.message().getConversation(), stored.message().getSeq(), Math::max);
            } else if (result instanceof ApplyResult.RoomDeleted deleted && deleted.notice().getLogIndex() == index) {
                highest.remove(TestLog.roomRef(deleted.room()));
                highest.merge(deleted.notice().getConversation(), deleted.notice().getSeq(), Math::max);
            }
        }
        for (Map.Entry<ConversationRef, Long> conversation : highest.entrySet()) {
            HistoryPage page = machine.history(conversation.getKey(), new HistoryQuery.After(0, 100_000));
            assertThat(page.messages()).extracting(m -> m.getSeq())
                    .containsExactlyElementsOf(seqRange(conversation.getValue()));
            assertThat(page.lastSeq()).isEqualTo(conversation.getValue());
        }
    }

    private static List<Long> seqRange(long last) {
        List<Long> seqs = new ArrayList<>();
        for (long seq = 1; seq <= last; seq++) {
            seqs.add(seq);
        }
        return seqs;
    }
}
