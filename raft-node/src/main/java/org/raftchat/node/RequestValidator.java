package org.raftchat.node;

import org.raftchat.config.Defaults;
import org.raftchat.config.Limits;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.DirectPair;
import org.raftchat.statemachine.WellKnown;

/**
 * Checks client input against the syntax rules and {@link Limits} before anything is proposed,
 * so malformed input never enters the log. Every failure names the field and the rule.
 */
final class RequestValidator {

    /** Names are ASCII letters, digits and these; idempotency keys may also hold ':'. */
    private static final String NAME_PUNCTUATION = "_.-";
    private static final String KEY_PUNCTUATION = "_.:-";

    private final Limits limits;

    RequestValidator(Limits limits) {
        this.limits = limits;
    }

    String idempotencyKey(String key) {
        if (key.isEmpty()) {
            throw new InvalidRequestException("idempotency_key: required (a client-chosen unique string, e.g. a UUID)");
        }
        if (key.length() > limits.maxIdempotencyKeyLength() || !madeOf(key, KEY_PUNCTUATION)) {
            throw new InvalidRequestException("idempotency_key: 1.." + limits.maxIdempotencyKeyLength()
                    + " characters of [A-Za-z0-9_.:-]");
        }
        return key;
    }

    /** Room and user names: 1..maxNameLength characters of letters, digits, '_', '.', '-'. */
    String name(String field, String value) {
        if (value.isEmpty()) {
            throw new InvalidRequestException(field + ": required");
        }
        if (value.length() > limits.maxNameLength() || !madeOf(value, NAME_PUNCTUATION)) {
            throw new InvalidRequestException(field + ": '" + abbreviate(value) + "' is not a valid name (1.."
                    + limits.maxNameLength() + " characters of letters, digits, '_', '.', '-')");
        }
        return value;
    }

    /**
     * Whether every character is an ASCII letter or digit or one of {@code punctuation}. A loop, not a
     * regex: every post checks its room and its key here, and the regex matchers were 2.3% of a leader.
     */
    private static boolean madeOf(String value, String punctuation) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!letterOrDigit && punctuation.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A new username: a valid name, and not the name the system posts notices under. */
    String username(String value) {
        name("username", value);
        if (value.equals(WellKnown.SYSTEM_USER)) {
            throw new InvalidRequestException("username: '" + value + "' is reserved");
        }
        return value;
    }

    String password(String password) {
        if (password.length() < Defaults.MIN_PASSWORD_LENGTH || password.length() > Defaults.MAX_PASSWORD_LENGTH) {
            throw new InvalidRequestException("password: must be " + Defaults.MIN_PASSWORD_LENGTH + ".."
                    + Defaults.MAX_PASSWORD_LENGTH + " characters");
        }
        return password;
    }

    private static final java.util.regex.Pattern SESSION_ID = java.util.regex.Pattern.compile("[0-9a-f]{12}");

    /** A session id as ListSessions shows it: 12 lowercase hex digits. */
    String sessionId(String id) {
        if (!SESSION_ID.matcher(id).matches()) {
            throw new InvalidRequestException("session_id: '" + abbreviate(id) + "' is not a session id (12 hex digits, "
                    + "as 'raftchat sessions' shows)");
        }
        return id;
    }

    /** A password with its field name (change password has two). */
    String password(String field, String password) {
        try {
            return password(password);
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException(field + e.getMessage().substring("password".length()));
        }
    }

    /** A device id has a name's syntax; empty means the device "default". */
    String deviceId(String deviceId) {
        return deviceId.isEmpty() ? "default" : name("device_id", deviceId);
    }

    /** A room description: optional, at most maxDescriptionLength characters, no control characters. */
    String description(String description) {
        if (description.length() > limits.maxDescriptionLength()) {
            throw new InvalidRequestException("description: at most " + limits.maxDescriptionLength() + " characters");
        }
        if (description.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException("description: control characters are not allowed");
        }
        return description;
    }

    /** A room topic: a description by another name (empty clears it). */
    String topic(String topic) {
        try {
            return description(topic);
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException("topic" + e.getMessage().substring("description".length()));
        }
    }

    /** An away message: optional (empty: back), at most MAX_AWAY_MESSAGE_LENGTH characters, no control characters. */
    String awayMessage(String message) {
        if (message.length() > Defaults.MAX_AWAY_MESSAGE_LENGTH) {
            throw new InvalidRequestException("message: at most " + Defaults.MAX_AWAY_MESSAGE_LENGTH + " characters");
        }
        if (message.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException("message: control characters are not allowed");
        }
        return message;
    }

    /** A search phrase: not blank, at most MAX_SEARCH_PHRASE_LENGTH characters, no control characters. */
    String searchPhrase(String phrase) {
        if (phrase.isBlank()) {
            throw new InvalidRequestException("phrase: must not be empty");
        }
        if (phrase.length() > Defaults.MAX_SEARCH_PHRASE_LENGTH) {
            throw new InvalidRequestException("phrase: at most " + Defaults.MAX_SEARCH_PHRASE_LENGTH + " characters");
        }
        if (phrase.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException("phrase: control characters are not allowed");
        }
        return phrase;
    }

    /**
     * Message text: not blank, at most maxMessageBytes of UTF-8, no control characters but newline
     * and tab. One pass over the characters counts the UTF-8 bytes too (every post goes through here).
     * Protobuf decoded the text when it parsed the request; the wire bytes are gone by then. The
     * routes that carry the text as bytes encode it only after this check, so refused text is never
     * encoded, and asking for the bytes here would swap protobuf's cached String for them first.
     */
    String text(String text) {
        boolean blank = true;
        boolean control = false;
        int utf8Bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // Whitespace and ISO control characters are all in the BMP: one char is one code point here.
            blank = blank && Character.isWhitespace(c); // asked only until the first non-blank
            control |= Character.isISOControl(c) && c != '\n' && c != '\t';
            // Parsed text is valid UTF-8, so surrogates come in pairs: 2 + 2 bytes for the pair's 4.
            utf8Bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        if (blank) {
            throw new InvalidRequestException("text: must not be empty");
        }
        if (utf8Bytes > limits.maxMessageBytes()) {
            throw new InvalidRequestException("text: " + utf8Bytes + " bytes is over the limit of " + limits.maxMessageBytes()
                    + " bytes (UTF-8)");
        }
        if (control) {
            throw new InvalidRequestException("text: control characters other than newline and tab are not allowed");
        }
        return text;
    }

    ConversationRef conversation(ConversationRef ref) {
        switch (ref.getKindCase()) {
            case ROOM -> name("conversation.room", ref.getRoom());
            case DIRECT -> directPair(ref.getDirect());
            default -> throw new InvalidRequestException("conversation: required, either a room or a direct pair of users");
        }
        return ref;
    }

    void directPair(String userA, String userB) {
        name("user_a", userA);
        name("user_b", userB);
        if (userA.equals(userB)) {
            throw new InvalidRequestException("a private conversation needs two different users, got '" + userA + "' twice");
        }
    }

    /** The page size for a history read: 0 means the default; over the maximum is refused, not clipped. */
    int historyLimit(int requested) {
        if (requested == 0) {
            return limits.defaultHistoryPage();
        }
        if (requested < 0 || requested > limits.maxHistoryPage()) {
            throw new InvalidRequestException("limit: must be in 1.." + limits.maxHistoryPage() + ", got " + requested);
        }
        return requested;
    }

    long sequence(String field, long seq) {
        if (seq < 0) {
            throw new InvalidRequestException(field + ": must be >= 0, got " + seq);
        }
        return seq;
    }

    private void directPair(DirectPair pair) {
        directPair(pair.getUserA(), pair.getUserB());
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
