package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.raftchat.config.Defaults;
import org.raftchat.config.Limits;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.DirectPair;

/**
 * Every syntax rule and limit the node checks before proposing: valid input passes through unchanged, each kind of
 * bad input is refused with a message that names the field and the rule, and the refusal answers INVALID_ARGUMENT.
 */
class RequestValidatorTest {

    private static final RequestValidator VALIDATOR = new RequestValidator(Limits.defaults());
    private static final int NAME_MAX = Defaults.MAX_NAME_LENGTH;
    private static final int KEY_MAX = Defaults.MAX_IDEMPOTENCY_KEY_LENGTH;

    /** A check applied to one input, as a route calls it; returns what the route would use. */
    private record Check(String name, Function<RequestValidator, Object> call) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Check check(String name, Function<RequestValidator, Object> call) {
        return new Check(name, call);
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of(check("idempotencyKey", v -> v.idempotencyKey("6f1c-key:1.a_b")), "6f1c-key:1.a_b"),
                Arguments.of(check("idempotencyKey at its limit", v -> v.idempotencyKey("k".repeat(KEY_MAX))), "k".repeat(KEY_MAX)),
                Arguments.of(check("name", v -> v.name("room", "Rust_2.0-fans")), "Rust_2.0-fans"),
                Arguments.of(check("name at its limit", v -> v.name("room", "r".repeat(NAME_MAX))), "r".repeat(NAME_MAX)),
                Arguments.of(check("username", v -> v.username("alice")), "alice"),
                Arguments.of(check("password at its minimum", v -> v.password("p".repeat(Defaults.MIN_PASSWORD_LENGTH))),
                        "p".repeat(Defaults.MIN_PASSWORD_LENGTH)),
                Arguments.of(check("password at its maximum", v -> v.password("p".repeat(Defaults.MAX_PASSWORD_LENGTH))),
                        "p".repeat(Defaults.MAX_PASSWORD_LENGTH)),
                Arguments.of(check("named password", v -> v.password("new_password", "correct horse")), "correct horse"),
                Arguments.of(check("sessionId", v -> v.sessionId("0123456789ab")), "0123456789ab"),
                Arguments.of(check("deviceId", v -> v.deviceId("phone-1")), "phone-1"),
                Arguments.of(check("empty deviceId", v -> v.deviceId("")), "default"),
                Arguments.of(check("description", v -> v.description("Crabs welcome")), "Crabs welcome"),
                Arguments.of(check("empty description", v -> v.description("")), ""),
                Arguments.of(check("description at its limit", v -> v.description("d".repeat(Defaults.MAX_DESCRIPTION_LENGTH))),
                        "d".repeat(Defaults.MAX_DESCRIPTION_LENGTH)),
                Arguments.of(check("topic", v -> v.topic("Release day")), "Release day"),
                Arguments.of(check("empty topic clears it", v -> v.topic("")), ""),
                Arguments.of(check("awayMessage", v -> v.awayMessage("at lunch")), "at lunch"),
                Arguments.of(check("empty awayMessage means back", v -> v.awayMessage("")), ""),
                Arguments.of(check("searchPhrase", v -> v.searchPhrase("release notes")), "release notes"),
                Arguments.of(check("text", v -> v.text("hello\n\tworld")), "hello\n\tworld"),
                Arguments.of(check("text at its byte limit", v -> v.text("é".repeat(Defaults.MAX_MESSAGE_BYTES / 2))),
                        "é".repeat(Defaults.MAX_MESSAGE_BYTES / 2)),
                // Four bytes and two chars each: the limit counts the bytes.
                Arguments.of(check("emoji text at its byte limit", v -> v.text("\uD83D\uDE00".repeat(Defaults.MAX_MESSAGE_BYTES / 4))),
                        "\uD83D\uDE00".repeat(Defaults.MAX_MESSAGE_BYTES / 4)),
                Arguments.of(check("room conversation", v -> v.conversation(room("lobby"))), room("lobby")),
                Arguments.of(check("direct conversation", v -> v.conversation(direct("alice", "bob"))), direct("alice", "bob")),
                Arguments.of(check("historyLimit 0 means the default", v -> v.historyLimit(0)), Defaults.DEFAULT_HISTORY_PAGE),
                Arguments.of(check("historyLimit 1", v -> v.historyLimit(1)), 1),
                Arguments.of(check("historyLimit at its maximum", v -> v.historyLimit(Defaults.MAX_HISTORY_PAGE)),
                        Defaults.MAX_HISTORY_PAGE),
                Arguments.of(check("sequence 0", v -> v.sequence("seq", 0)), 0L),
                Arguments.of(check("sequence", v -> v.sequence("seq", 42)), 42L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void validInputPassesThroughAsTheRouteWillUseIt(Check check, Object expected) {
        assertThat(check.call().apply(VALIDATOR)).isEqualTo(expected);
    }

    static Stream<Arguments> refused() {
        String tooLongName = "n".repeat(NAME_MAX + 1);
        return Stream.of(
                Arguments.of(check("missing idempotency key", v -> v.idempotencyKey("")),
                        "idempotency_key: required (a client-chosen unique string, e.g. a UUID)"),
                Arguments.of(check("idempotency key too long", v -> v.idempotencyKey("k".repeat(KEY_MAX + 1))),
                        "idempotency_key: 1.." + KEY_MAX + " characters of [A-Za-z0-9_.:-]"),
                Arguments.of(check("idempotency key with a space", v -> v.idempotencyKey("key 1")),
                        "idempotency_key: 1.." + KEY_MAX + " characters of [A-Za-z0-9_.:-]"),
                Arguments.of(check("missing name", v -> v.name("room", "")), "room: required"),
                Arguments.of(check("name with a space", v -> v.name("room", "bad room!")),
                        "room: 'bad room!' is not a valid name (1.." + NAME_MAX + " characters of letters, digits, '_', '.', '-')"),
                Arguments.of(check("name with a colon", v -> v.name("friend", "a:b")), "friend: 'a:b' is not a valid name"),
                Arguments.of(check("name too long", v -> v.name("room", tooLongName)), "room: '" + tooLongName + "' is not a valid name"),
                Arguments.of(check("name too long to quote whole", v -> v.name("room", "n".repeat(50))),
                        "room: '" + "n".repeat(40) + "...' is not a valid name"),
                Arguments.of(check("non-ASCII name", v -> v.name("user", "zoë")), "user: 'zoë' is not a valid name"),
                Arguments.of(check("missing username", v -> v.username("")), "username: required"),
                Arguments.of(check("malformed username", v -> v.username("al ice")), "username: 'al ice' is not a valid name"),
                Arguments.of(check("reserved username", v -> v.username("system")), "username: 'system' is reserved"),
                Arguments.of(check("password too short", v -> v.password("p".repeat(Defaults.MIN_PASSWORD_LENGTH - 1))),
                        "password: must be " + Defaults.MIN_PASSWORD_LENGTH + ".." + Defaults.MAX_PASSWORD_LENGTH + " characters"),
                Arguments.of(check("password too long", v -> v.password("p".repeat(Defaults.MAX_PASSWORD_LENGTH + 1))),
                        "password: must be " + Defaults.MIN_PASSWORD_LENGTH + ".." + Defaults.MAX_PASSWORD_LENGTH + " characters"),
                Arguments.of(check("named password too short", v -> v.password("old_password", "short")),
                        "old_password: must be " + Defaults.MIN_PASSWORD_LENGTH + ".." + Defaults.MAX_PASSWORD_LENGTH + " characters"),
                Arguments.of(check("session id in upper case", v -> v.sessionId("0123456789AB")),
                        "session_id: '0123456789AB' is not a session id (12 hex digits, as 'raftchat sessions' shows)"),
                Arguments.of(check("session id too short", v -> v.sessionId("0123")), "session_id: '0123' is not a session id"),
                Arguments.of(check("empty session id", v -> v.sessionId("")), "session_id: '' is not a session id"),
                Arguments.of(check("malformed device id", v -> v.deviceId("my phone")), "device_id: 'my phone' is not a valid name"),
                Arguments.of(check("description too long", v -> v.description("d".repeat(Defaults.MAX_DESCRIPTION_LENGTH + 1))),
                        "description: at most " + Defaults.MAX_DESCRIPTION_LENGTH + " characters"),
                Arguments.of(check("description with a newline", v -> v.description("two\nlines")),
                        "description: control characters are not allowed"),
                Arguments.of(check("topic too long", v -> v.topic("t".repeat(Defaults.MAX_DESCRIPTION_LENGTH + 1))),
                        "topic: at most " + Defaults.MAX_DESCRIPTION_LENGTH + " characters"),
                Arguments.of(check("topic with a bell", v -> v.topic("ding\u0007")), "topic: control characters are not allowed"),
                Arguments.of(check("away message too long", v -> v.awayMessage("a".repeat(Defaults.MAX_AWAY_MESSAGE_LENGTH + 1))),
                        "message: at most " + Defaults.MAX_AWAY_MESSAGE_LENGTH + " characters"),
                Arguments.of(check("away message with a tab", v -> v.awayMessage("out\tnow")), "message: control characters are not allowed"),
                Arguments.of(check("blank search phrase", v -> v.searchPhrase("  ")), "phrase: must not be empty"),
                Arguments.of(check("search phrase too long", v -> v.searchPhrase("s".repeat(Defaults.MAX_SEARCH_PHRASE_LENGTH + 1))),
                        "phrase: at most " + Defaults.MAX_SEARCH_PHRASE_LENGTH + " characters"),
                Arguments.of(check("search phrase with a newline", v -> v.searchPhrase("a\nb")), "phrase: control characters are not allowed"),
                Arguments.of(check("empty text", v -> v.text("")), "text: must not be empty"),
                Arguments.of(check("blank text", v -> v.text(" \n\t ")), "text: must not be empty"),
                // Bytes, not characters: 2,049 two-byte characters are 4,098 bytes.
                Arguments.of(check("text over the byte limit", v -> v.text("é".repeat(Defaults.MAX_MESSAGE_BYTES / 2 + 1))),
                        "text: " + (Defaults.MAX_MESSAGE_BYTES + 2) + " bytes is over the limit of " + Defaults.MAX_MESSAGE_BYTES
                                + " bytes (UTF-8)"),
                Arguments.of(check("text with a carriage return", v -> v.text("line\r")),
                        "text: control characters other than newline and tab are not allowed"),
                Arguments.of(check("emoji text over the byte limit", v -> v.text("\uD83D\uDE00".repeat(Defaults.MAX_MESSAGE_BYTES / 4 + 1))),
                        "text: " + (Defaults.MAX_MESSAGE_BYTES + 4) + " bytes is over the limit of " + Defaults.MAX_MESSAGE_BYTES
                                + " bytes (UTF-8)"),
                Arguments.of(check("text with an escape", v -> v.text("\u001b[31mred")),
                        "text: control characters other than newline and tab are not allowed"),
                Arguments.of(check("no conversation", v -> v.conversation(ConversationRef.getDefaultInstance())),
                        "conversation: required, either a room or a direct pair of users"),
                Arguments.of(check("malformed room conversation", v -> v.conversation(room("no room"))),
                        "conversation.room: 'no room' is not a valid name"),
                Arguments.of(check("empty room conversation", v -> v.conversation(room(""))), "conversation.room: required"),
                Arguments.of(check("direct pair without user_a", v -> v.conversation(direct("", "bob"))), "user_a: required"),
                Arguments.of(check("direct pair with a malformed user_b", v -> v.conversation(direct("alice", "b b"))),
                        "user_b: 'b b' is not a valid name"),
                Arguments.of(check("direct pair of one user", v -> v.conversation(direct("alice", "alice"))),
                        "a private conversation needs two different users, got 'alice' twice"),
                Arguments.of(check("a message to oneself", v -> {
                    v.directPair("bob", "bob");
                    return null;
                }), "a private conversation needs two different users, got 'bob' twice"),
                Arguments.of(check("history limit over the maximum", v -> v.historyLimit(Defaults.MAX_HISTORY_PAGE + 1)),
                        "limit: must be in 1.." + Defaults.MAX_HISTORY_PAGE + ", got " + (Defaults.MAX_HISTORY_PAGE + 1)),
                Arguments.of(check("negative history limit", v -> v.historyLimit(-1)),
                        "limit: must be in 1.." + Defaults.MAX_HISTORY_PAGE + ", got -1"),
                Arguments.of(check("negative sequence", v -> v.sequence("after_seq", -1)), "after_seq: must be >= 0, got -1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void badInputIsRefusedWithAMessageNamingTheFieldAndTheRule(Check check, String message) {
        InvalidRequestException refused = catchThrowableOfType(InvalidRequestException.class, () -> check.call().apply(VALIDATOR));

        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.getMessage()).startsWith(message);
        StatusRuntimeException answered = GrpcErrors.toStatus(refused);
        assertThat(answered.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(answered.getStatus().getDescription()).isEqualTo(refused.getMessage());
    }

    private static ConversationRef room(String name) {
        return ConversationRef.newBuilder().setRoom(name).build();
    }

    private static ConversationRef direct(String a, String b) {
        return ConversationRef.newBuilder().setDirect(DirectPair.newBuilder().setUserA(a).setUserB(b)).build();
    }
}
