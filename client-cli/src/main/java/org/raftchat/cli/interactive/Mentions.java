package org.raftchat.cli.interactive;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.MessageKind;

/**
 * Whether a message names the user: their username or nickname as a word, with or without a leading
 * {@code @}, ignoring case ("@alice", "Alice:", "thanks alice." but not "malice" or "alice_b"). Only
 * others' posts that are not deleted count. Thread-safe: the nickname may change (/nick) while
 * messages are checked.
 */
public final class Mentions {

    /** Characters a name is made of (the server's name syntax); a mention is not next to one of them. */
    private static final String NAME_CHAR = "[A-Za-z0-9_-]";

    private final String username;
    private volatile Pattern pattern;

    public Mentions(String username) {
        this.username = Objects.requireNonNull(username, "username");
        this.pattern = compile(username, "");
    }

    /** From now on the nickname names the user too (empty: only the username). */
    public void nickname(String nickname) {
        pattern = compile(username, Objects.requireNonNull(nickname, "nickname"));
    }

    public boolean mentions(ChatMessage message) {
        return message.getKind() == MessageKind.POST && !message.getDeleted() && !message.getAuthor().equals(username)
                && pattern.matcher(message.getText()).find();
    }

    private static Pattern compile(String username, String nickname) {
        String names = Pattern.quote(username.toLowerCase(Locale.ROOT))
                + (nickname.isEmpty() ? "" : "|" + Pattern.quote(nickname.toLowerCase(Locale.ROOT)));
        // A '.' may end a sentence after a name, but "alice.b" is another name.
        return Pattern.compile("(?<!" + NAME_CHAR + "|\\.)@?(?:" + names + ")(?!" + NAME_CHAR + "|\\." + NAME_CHAR + ")",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }
}
