package org.raftchat.cli.interactive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.MessageKind;

class MentionsTest {

    private final Mentions alice = new Mentions("alice");

    @Test
    void theUsernameAsAWordOrWithAnAtSignIsAMention() {
        // Goal: @alice, alice, Alice: and "alice." name her, ignoring case.
        for (String text : new String[] {"@alice look", "hi alice", "ALICE: ping", "thanks, alice.", "(@Alice)", "alice"}) {
            assertThat(alice.mentions(post("bob", text))).as(text).isTrue();
        }
    }

    @Test
    void aLongerNameOrAnotherWordIsNot() {
        // Goal: names that only contain hers, and her own or deleted posts, do not ring.
        for (String text : new String[] {"malice", "alice_b is here", "@alice-2", "alice.b", "alicex", "nobody"}) {
            assertThat(alice.mentions(post("bob", text))).as(text).isFalse();
        }
        assertThat(alice.mentions(post("alice", "I am alice"))).as("her own post").isFalse();
        assertThat(alice.mentions(post("bob", "alice").toBuilder().setDeleted(true).build())).as("deleted").isFalse();
        assertThat(alice.mentions(post("bob", "alice").toBuilder().setKind(MessageKind.EDIT).build())).as("an event").isFalse();
    }

    @Test
    void theNicknameNamesHerTooOnceKnown() {
        // Goal: after /nick, the nickname is a mention as well; the username still is.
        assertThat(alice.mentions(post("bob", "hey Wonder"))).isFalse();
        alice.nickname("Wonder");
        assertThat(alice.mentions(post("bob", "hey wonder"))).isTrue();
        assertThat(alice.mentions(post("bob", "hey @alice"))).isTrue();
    }

    private static ChatMessage post(String author, String text) {
        return ChatMessage.newBuilder().setAuthor(author).setText(text).setKind(MessageKind.POST).build();
    }
}
