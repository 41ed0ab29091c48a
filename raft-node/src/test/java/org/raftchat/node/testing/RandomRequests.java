package org.raftchat.node.testing;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.raftchat.config.Defaults;

/**
 * Random requests for any message type of the client API, built from its protobuf descriptor, so a
 * new RPC or field is fuzzed without changing this class. Values are chosen by field name from pools
 * of things that exist in the cluster (users, rooms, session ids, recent idempotency keys) mixed with
 * boundary values (empty, one over a limit, huge, unicode, control characters, negative and overflowing
 * numbers), so requests reach past validation into apply as well as being refused by it.
 *
 * @param users     usernames to pick from (existing and not)
 * @param rooms     room names to pick from (existing and not)
 * @param sessionIds session ids of other users' sessions (revoking one must fail)
 * @param passwords passwords to pick from (one of them is the fuzzing users' own)
 * @param recentKeys idempotency keys used lately (the caller adds to it): a reuse for another request must be refused
 */
public record RandomRequests(List<String> users, List<String> rooms, List<String> sessionIds, List<String> passwords,
                             List<String> recentKeys) {

    /** Over the gRPC inbound limit ({@link Defaults#MAX_INBOUND_GRPC_BYTES}): refused before any handler runs. */
    private static final int HUGE_CHARS = Defaults.MAX_INBOUND_GRPC_BYTES + 1_000;
    private static final String[] ODD = {
        "", " ", "   ", "\t", "\n", "\r\n", "\u0000", "\u0000abc", "a\u0000b", "\u0007\u001b[2J", "\u007f", "\u2028\u2029",
        "\uFEFF", "\u202Eevil", "e\u0301", "\uD83D\uDE00", "\uD83D", "\uDE00x", "𝓤𝓷𝓲", "中文房间", "ünïcödé", "%s%n%x",
        "../../etc/passwd", "' OR 1=1 --", "<script>", "MainHall", "mainhall", "system", "lobby.dlq", "a", ".", "-", "_",
        "null", "0", "-1", "Bearer x",
    };
    private static final long[] LONGS = {
        0, 1, 2, 3, 5, 10, 49, 50, 51, 999, 1000, 1001, 3_600_000, 3_600_001, -1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE,
        (long) Integer.MAX_VALUE + 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1,
    };
    private static final int MAX_DEPTH = 3;

    /** A random request of {@code prototype}'s type, with any values. */
    public Message next(Message prototype, Random random) {
        return fill(prototype.newBuilderForType(), random, 0, false).build();
    }

    /**
     * A random request of {@code prototype}'s type that a client could well send: every field set, names
     * and keys from the pools, short texts, small numbers. Most reach apply (where they may still be refused).
     */
    public Message plausible(Message prototype, Random random) {
        return fill(prototype.newBuilderForType(), random, 0, true).build();
    }

    /** Mostly fresh, sometimes a recent one (a retry, or a reuse for another request), sometimes malformed. */
    private String idempotencyKey(Random random) {
        int roll = random.nextInt(10);
        if (roll < 7 || recentKeys.isEmpty()) {
            return UUID.randomUUID().toString();
        }
        if (roll < 9) {
            return recentKeys.get(random.nextInt(recentKeys.size()));
        }
        return string(random);
    }

    private Message.Builder fill(Message.Builder builder, Random random, int depth, boolean plausible) {
        var type = builder.getDescriptorForType();
        for (OneofDescriptor oneof : type.getRealOneofs()) {
            int pick = random.nextInt(oneof.getFieldCount() + (plausible ? 0 : 1));
            if (pick < oneof.getFieldCount()) {
                set(builder, oneof.getField(pick), random, depth, plausible);
            }
        }
        for (FieldDescriptor field : type.getFields()) {
            if (field.getRealContainingOneof() != null || !plausible && random.nextInt(8) == 0) {
                continue; // oneofs done above; and sometimes leave a field unset (required ones too)
            }
            if (field.isRepeated()) {
                int count = random.nextInt(3);
                for (int i = 0; i < count; i++) {
                    builder.addRepeatedField(field, value(builder, field, random, depth, plausible));
                }
            } else {
                set(builder, field, random, depth, plausible);
            }
        }
        return builder;
    }

    private void set(Message.Builder builder, FieldDescriptor field, Random random, int depth, boolean plausible) {
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= MAX_DEPTH) {
            return;
        }
        builder.setField(field, value(builder, field, random, depth, plausible));
    }

    private Object value(Message.Builder builder, FieldDescriptor field, Random random, int depth, boolean plausible) {
        return switch (field.getJavaType()) {
            case STRING -> plausible ? plausibleString(field.getName(), random) : string(field.getName(), random);
            case INT -> plausible ? random.nextInt(12) : (int) number(random);
            case LONG -> plausible ? (long) random.nextInt(12) : number(random);
            case BOOLEAN -> random.nextBoolean();
            case ENUM -> {
                var values = field.getEnumType().getValues();
                yield values.get(random.nextInt(values.size()));
            }
            case MESSAGE -> fill(builder.newBuilderForField(field), random, depth + 1, plausible).build();
            default -> throw new IllegalStateException("no generator for " + field.getFullName() + " of type " + field.getJavaType());
        };
    }

    private String string(String fieldName, Random random) {
        if (random.nextInt(8) == 0 && !fieldName.equals("idempotency_key")) {
            return string(random);
        }
        return pooled(fieldName, random);
    }

    private String pooled(String fieldName, Random random) {
        return switch (fieldName) {
            case "room" -> pick(rooms, random);
            case "username", "user", "recipient", "friend", "user_a", "user_b" -> pick(users, random);
            case "nickname" -> random.nextBoolean() ? pick(users, random) : "nick" + random.nextInt(20);
            case "password", "old_password", "new_password" -> pick(passwords, random);
            case "session_id" -> random.nextBoolean() && !sessionIds.isEmpty() ? pick(sessionIds, random)
                    : String.format("%012x", random.nextLong() & 0xffff_ffff_ffffL);
            case "device_id" -> "device-" + random.nextInt(3);
            case "idempotency_key" -> idempotencyKey(random);
            case "phrase" -> random.nextBoolean() ? "only" : string(random);
            case "text", "description", "topic", "message" -> random.nextBoolean() ? "hello " + random.nextInt(100) : string(random);
            default -> string(random);
        };
    }

    private String plausibleString(String fieldName, Random random) {
        return switch (fieldName) {
            case "room", "username", "user", "recipient", "friend", "user_a", "user_b", "nickname", "password",
                    "old_password", "new_password", "session_id", "device_id", "idempotency_key" -> pooled(fieldName, random);
            case "phrase" -> "only";
            default -> "hello " + random.nextInt(100);
        };
    }

    /** Any string: boundary lengths, huge, unicode, control characters, names. */
    public static String string(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> ODD[random.nextInt(ODD.length)];
            case 1 -> "n" + Integer.toString(random.nextInt(1 << 20), 36);
            case 2 -> "x".repeat(pick(random, Defaults.MAX_NAME_LENGTH, Defaults.MAX_NAME_LENGTH + 1,
                    Defaults.MAX_IDEMPOTENCY_KEY_LENGTH, Defaults.MAX_IDEMPOTENCY_KEY_LENGTH + 1, Defaults.MIN_PASSWORD_LENGTH - 1,
                    Defaults.MAX_PASSWORD_LENGTH + 1, Defaults.MAX_DESCRIPTION_LENGTH + 1));
            case 3 -> "é".repeat(pick(random, Defaults.MAX_MESSAGE_BYTES / 2, Defaults.MAX_MESSAGE_BYTES / 2 + 1));
            case 4 -> random.nextInt(4) == 0 ? "y".repeat(HUGE_CHARS) : "z".repeat(Defaults.MAX_MESSAGE_BYTES + random.nextInt(3) - 1);
            case 5 -> codePoints(random, 1 + random.nextInt(40), 0x20, 0x7f);
            case 6 -> codePoints(random, 1 + random.nextInt(20), 0, 0x20);
            case 7 -> codePoints(random, 1 + random.nextInt(20), 0x80, 0x11_0000);
            default -> ODD[random.nextInt(ODD.length)] + codePoints(random, random.nextInt(10), 0x20, 0x7f) + ODD[random.nextInt(ODD.length)];
        };
    }

    private static long number(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> random.nextLong();
            case 1 -> random.nextInt(30) - 5;
            default -> LONGS[random.nextInt(LONGS.length)];
        };
    }

    private static String codePoints(Random random, int count, int fromInclusive, int toExclusive) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.appendCodePoint(fromInclusive + random.nextInt(toExclusive - fromInclusive));
        }
        return text.toString();
    }

    private static String pick(List<String> values, Random random) {
        return values.get(random.nextInt(values.size()));
    }

    private static int pick(Random random, int... values) {
        return values[random.nextInt(values.length)];
    }
}
