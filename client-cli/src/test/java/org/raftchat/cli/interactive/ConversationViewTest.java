package org.raftchat.cli.interactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.raftchat.cli.interactive.ConversationView.Offer;
import org.raftchat.client.ConversationRefs;
import org.raftchat.proto.v1.ChatMessage;

class ConversationViewTest {

    private final ConversationView view = new ConversationView(ConversationRefs.room("lobby"), m -> "[" + m.getSeq() + "] " + m.getText());

    private static ChatMessage message(long seq) {
        return ChatMessage.newBuilder().setConversation(ConversationRefs.room("lobby")).setSeq(seq).setAuthor("ann")
                .setText("m" + seq).build();
    }

    private List<String> offerAll(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(seq -> view.offer(message(seq)))
                .flatMap(o -> o instanceof Offer.Show s ? s.lines().stream() : java.util.stream.Stream.of())
                .toList();
    }

    @Test
    void aFirstVisitShowsSomeContextThenTheMarkerAtTheReadPosition() {
        // Goal: entering with read position 12 shows 10 read messages, the marker, then the unread ones.
        assertThat(view.enter(12, 10)).isEqualTo(2);

        List<String> lines = offerAll(3, 14);

        assertThat(lines).containsExactly("[3] m3", "[4] m4", "[5] m5", "[6] m6", "[7] m7", "[8] m8", "[9] m9",
                "[10] m10", "[11] m11", "[12] m12", ConversationView.NEW_MESSAGES_MARKER, "[13] m13", "[14] m14");
    }

    @Test
    void nothingUnreadMeansNoMarkerEvenForLaterLiveMessages() {
        // Goal: once the catch-up is done the marker is disarmed; live messages arrive without one.
        view.enter(2, 10);
        offerAll(1, 2);
        view.caughtUp();

        assertThat(offerAll(3, 3)).containsExactly("[3] m3");
    }

    @Test
    void aSeqAlreadyShownIsADuplicateAndAJumpIsAGap() {
        // Goal: never twice, never skipped: a resent seq is dropped, a missing range is reported to be filled.
        view.enter(0, 10);
        offerAll(1, 3);

        assertThat(view.offer(message(2))).isEqualTo(new Offer.Duplicate());
        assertThat(view.offer(message(3))).isEqualTo(new Offer.Duplicate());
        assertThat(view.offer(message(6))).isEqualTo(new Offer.Gap(3, 6));
        assertThat(offerAll(4, 6)).containsExactly("[4] m4", "[5] m5", "[6] m6");
        assertThat(view.lastShownSeq()).isEqualTo(6);
    }

    @Test
    void comingBackShowsOnlyWhatIsNewWithTheMarkerBeforeIt() {
        // Goal: switching away and back repeats nothing; what arrived meanwhile comes after the marker.
        view.enter(0, 10);
        offerAll(1, 4);
        view.caughtUp();

        assertThat(view.enter(2, 10)).isEqualTo(4);
        assertThat(offerAll(1, 6)).containsExactly(ConversationView.NEW_MESSAGES_MARKER, "[5] m5", "[6] m6");
    }

    @Test
    void pagingBackShowsOnlyOlderMessagesOnce() {
        // Goal: /history shows messages before the oldest shown, and the next page continues from there.
        view.enter(20, 5);
        offerAll(16, 20);
        assertThat(view.olderThan()).isEqualTo(16);

        List<String> page = view.olderPage(LongStream.rangeClosed(11, 17).mapToObj(ConversationViewTest::message).toList());

        assertThat(page).containsExactly("[11] m11", "[12] m12", "[13] m13", "[14] m14", "[15] m15");
        assertThat(view.olderThan()).isEqualTo(11);
    }
}
