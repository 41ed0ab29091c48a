package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.raftchat.statemachine.TestLog.createRoom;
import static org.raftchat.statemachine.TestLog.direct;
import static org.raftchat.statemachine.TestLog.entry;
import static org.raftchat.statemachine.TestLog.login;
import static org.raftchat.statemachine.TestLog.pairRef;
import static org.raftchat.statemachine.TestLog.post;
import static org.raftchat.statemachine.TestLog.roomRef;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;

/** Ten messages in room "a" interleaved with others in "ab" (a name sharing a prefix) and a direct pair. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryTest {

    private static final byte[] U_TOKEN = ByteString.copyFromUtf8("u-token").toByteArray();
    private static final byte[] V_TOKEN = ByteString.copyFromUtf8("v-token").toByteArray();

    private ChatStateMachine machine;

    @BeforeAll
    void fill(@TempDir Path dir) {
        machine = ChatStateMachine.open(dir.resolve("db"));
        List<LogEntry> log = new ArrayList<>();
        TestLog.registerAll(machine, "u", "v");
        log.add(entry(3, createRoom("a", "u")));
        log.add(entry(4, createRoom("ab", "u")));
        log.add(entry(5, createRoom("empty", "u")));
        long index = 6;
        for (int i = 1; i <= 10; i++) {
            log.add(entry(index++, post("a", "u", "a" + i)));
            log.add(entry(index++, post("ab", "u", "ab" + i)));
            log.add(entry(index++, direct("v", "u", "d" + i)));
        }
        log.add(entry(index++, login("u", "laptop", "u-token")));
        log.add(entry(index, login("v", "laptop", "v-token")));
        machine.applyBatch(log);
    }

    @AfterAll
    void close() {
        machine.close();
    }

    @Test
    void latestReturnsTheNewestMessagesAscending() {
        // Goal: Latest(n) gives the last n messages, oldest first, and the conversation's last seq.
        HistoryPage page = machine.history(roomRef("a"), new HistoryQuery.Latest(3));

        assertThat(seqs(page)).containsExactly(8L, 9L, 10L);
        assertThat(texts(page)).containsExactly("a8", "a9", "a10");
        assertThat(page.lastSeq()).isEqualTo(10);
    }

    @Test
    void latestWithALimitAboveTheSizeReturnsEverything() {
        // Goal: a limit larger than the conversation returns all of it, and nothing of its neighbours.
        assertThat(seqs(machine.history(roomRef("a"), new HistoryQuery.Latest(1000))))
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(texts(machine.history(roomRef("ab"), new HistoryQuery.Latest(1000)))).allMatch(t -> t.startsWith("ab"));
    }

    @Test
    void beforePagesBackwards() {
        // Goal: Before(seq, n) gives the newest n messages strictly below seq; paging back reaches seq 1 and stops.
        assertThat(seqs(machine.history(roomRef("a"), new HistoryQuery.Before(8, 3)))).containsExactly(5L, 6L, 7L);
        assertThat(seqs(machine.history(roomRef("a"), new HistoryQuery.Before(3, 5)))).containsExactly(1L, 2L);
        assertThat(seqs(machine.history(roomRef("a"), new HistoryQuery.Before(1, 5)))).isEmpty();
        assertThat(seqs(machine.history(roomRef("a"), new HistoryQuery.Before(0, 5)))).isEmpty();
        assertThat(seqs(machine.history(roomRef("a"), new HistoryQuery.Before(Long.MAX_VALUE, 2)))).containsExactly(9L, 10L);
    }

    @Test
    void afterPagesForwards() {
        // Goal: After(seq, n) gives the oldest n messages strictly above seq; paging forward ends empty.
        assertThat(seqs(machine.history(roomRef("a"), new HistoryQuery.After(0, 3)))).containsExactly(1L, 2L, 3L);
        assertThat(seqs(machine.history(roomRef("a"), new HistoryQuery.After(7, 5)))).containsExactly(8L, 9L, 10L);
        assertThat(seqs(machine.history(roomRef("a"), new HistoryQuery.After(10, 5)))).isEmpty();
        assertThat(seqs(machine.history(roomRef("a"), new HistoryQuery.After(-5, 1)))).containsExactly(1L);
        assertThat(seqs(machine.history(roomRef("a"), new HistoryQuery.After(Long.MAX_VALUE, 1)))).isEmpty();
    }

    @Test
    void pagingForwardVisitsEveryMessageOnce() {
        // Goal: a client following After(lastSeenSeq) sees every message exactly once, in order.
        List<Long> seen = new ArrayList<>();
        long after = 0;
        HistoryPage page;
        do {
            page = machine.history(pairRef("u", "v"), new HistoryQuery.After(after, 3));
            seqs(page).forEach(seen::add);
            after = page.messages().isEmpty() ? after : page.messages().get(page.messages().size() - 1).getSeq();
        } while (!page.messages().isEmpty());

        assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void emptyAndUnknownConversationsGiveEmptyPages() {
        // Goal: a room without messages, an unknown room and an unknown pair all read as empty with lastSeq 0.
        assertThat(machine.history(roomRef("empty"), new HistoryQuery.Latest(5))).isEqualTo(new HistoryPage(List.of(), 0));
        assertThat(machine.history(roomRef("nope"), new HistoryQuery.After(0, 5))).isEqualTo(new HistoryPage(List.of(), 0));
        assertThat(machine.history(pairRef("u", "w"), new HistoryQuery.Before(5, 5))).isEqualTo(new HistoryPage(List.of(), 0));
        assertThat(machine.lastSeq(roomRef("empty"))).isZero();
    }

    @Test
    void directPairReadsTheSameInEitherOrder() {
        // Goal: history and lastSeq of (u, v) and (v, u) are identical and carry the canonical pair.
        HistoryPage uv = machine.history(pairRef("u", "v"), new HistoryQuery.Latest(4));
        HistoryPage vu = machine.history(pairRef("v", "u"), new HistoryQuery.Latest(4));

        assertThat(uv).isEqualTo(vu);
        assertThat(uv.messages()).allMatch(m -> m.getConversation().equals(pairRef("u", "v")));
        assertThat(machine.lastSeq(pairRef("v", "u"))).isEqualTo(10);
    }

    @Test
    void invalidQueriesAreRefused() {
        // Goal: a limit below 1 and a conversation of no kind are programming errors.
        assertThatThrownBy(() -> new HistoryQuery.Latest(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HistoryQuery.Before(5, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HistoryQuery.After(5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> machine.history(ConversationRef.getDefaultInstance(), new HistoryQuery.Latest(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readableHistoryIsTheSameSliceStillEncoded() throws Exception {
        // Goal: for a reader who may read it, every query shape gives the same messages and last seq
        // whether decoded or as stored.
        List<HistoryQuery> queries = List.of(new HistoryQuery.Latest(3), new HistoryQuery.Before(5, 2),
                new HistoryQuery.After(7, 10), new HistoryQuery.After(10, 5), new HistoryQuery.Latest(50));
        for (ConversationRef conversation : List.of(roomRef("a"), pairRef("u", "v"), pairRef("v", "u"), roomRef("empty"))) {
            for (HistoryQuery query : queries) {
                HistoryPage decoded = machine.history(conversation, query);
                ReadableHistory readable = machine.readableHistory(conversation, U_TOKEN, "u", query);
                assertThat(readable.access()).isEqualTo(ReadAccess.ALLOWED);
                List<ChatMessage> parsed = new ArrayList<>();
                for (var bytes : readable.page().messages()) {
                    parsed.add(ChatMessage.parseFrom(bytes));
                }
                assertThat(parsed).as("%s %s", conversation, query).isEqualTo(decoded.messages());
                assertThat(readable.page().lastSeq()).isEqualTo(decoded.lastSeq());
            }
        }
        assertThat(machine.readableHistory(roomRef("a"), U_TOKEN, "u", new HistoryQuery.Latest(3)).page().messages()).hasSize(3);
    }

    @Test
    void readableHistoryRefusesWhatReadAccessRefusesAndReadsNothing() {
        // Goal: the page comes only with access; each refusal is the one readAccess gives for the same reader.
        HistoryQuery latest = new HistoryQuery.Latest(10);
        byte[] noSession = ByteString.copyFromUtf8("never-issued").toByteArray();
        record Case(ConversationRef conversation, byte[] token, String user, ReadAccess expected) {}
        for (Case c : List.of(new Case(roomRef("a"), noSession, "u", ReadAccess.SESSION_ENDED),
                new Case(roomRef("a"), V_TOKEN, "v", ReadAccess.NOT_A_MEMBER),
                new Case(roomRef("nope"), U_TOKEN, "u", ReadAccess.ROOM_NOT_FOUND),
                new Case(pairRef("u", "w"), V_TOKEN, "v", ReadAccess.NOT_A_MEMBER),
                new Case(pairRef("u", "v"), V_TOKEN, "v", ReadAccess.ALLOWED))) {
            ReadableHistory readable = machine.readableHistory(c.conversation(), c.token(), c.user(), latest);
            assertThat(readable.access()).as("%s", c).isEqualTo(c.expected());
            assertThat(machine.readAccess(c.conversation(), c.token(), c.user())).as("%s", c).isEqualTo(c.expected());
            assertThat(readable.page() != null).as("%s", c).isEqualTo(c.expected() == ReadAccess.ALLOWED);
        }
        assertThat(machine.readableHistory(pairRef("u", "v"), V_TOKEN, "v", latest).page().messages()).hasSize(10);
    }

    private static List<Long> seqs(HistoryPage page) {
        return page.messages().stream().map(ChatMessage::getSeq).toList();
    }

    private static List<String> texts(HistoryPage page) {
        return page.messages().stream().map(ChatMessage::getText).toList();
    }
}
