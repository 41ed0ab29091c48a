package org.raftchat.node.testing;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Damages a serialized request the ways a buggy or hostile client could: flipped bits, inserted,
 * deleted or duplicated bytes, truncation, invalid UTF-8 in a string field, an overlong varint, an
 * unknown field, or bytes that were never a message.
 */
public final class ByteMutations {

    private static final byte[][] INVALID_UTF8 = {
        {(byte) 0xff}, {(byte) 0xc3, 0x28}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}, {'a', (byte) 0x80, 'b'},
    };

    private ByteMutations() {
    }

    /** One to three mutations of {@code valid}, a serialized message of type {@code type}; names them in {@code applied}. */
    public static byte[] mutate(byte[] valid, Descriptor type, Random random, List<String> applied) {
        byte[] bytes = valid;
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            bytes = once(bytes, type, random, applied);
        }
        return bytes;
    }

    private static byte[] once(byte[] bytes, Descriptor type, Random random, List<String> applied) {
        int op = random.nextInt(9);
        int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
        switch (op) {
            case 0 -> {
                if (bytes.length == 0) {
                    return once(bytes, type, random, applied);
                }
                byte[] copy = bytes.clone();
                copy[at] ^= (byte) (1 << random.nextInt(8));
                applied.add("flip bit at " + at);
                return copy;
            }
            case 1 -> {
                byte[] insert = new byte[1 + random.nextInt(8)];
                random.nextBytes(insert);
                applied.add("insert " + insert.length + " bytes at " + at);
                return concat(Arrays.copyOfRange(bytes, 0, at), insert, Arrays.copyOfRange(bytes, at, bytes.length));
            }
            case 2 -> {
                int end = Math.min(bytes.length, at + 1 + random.nextInt(8));
                applied.add("delete bytes " + at + ".." + end);
                return concat(Arrays.copyOfRange(bytes, 0, at), Arrays.copyOfRange(bytes, end, bytes.length));
            }
            case 3 -> {
                applied.add("truncate to " + at);
                return Arrays.copyOf(bytes, at);
            }
            case 4 -> {
                int end = Math.min(bytes.length, at + 1 + random.nextInt(16));
                applied.add("duplicate bytes " + at + ".." + end);
                return concat(Arrays.copyOfRange(bytes, 0, end), Arrays.copyOfRange(bytes, at, bytes.length));
            }
            case 5, 6 -> {
                return withInvalidUtf8(bytes, type, random, applied);
            }
            case 7 -> {
                int field = 1 + random.nextInt(100);
                applied.add("append field " + field + " with an 11-byte varint");
                byte[] overlong = new byte[11];
                Arrays.fill(overlong, (byte) 0xff);
                return concat(bytes, tag(field, 0), overlong);
            }
            default -> {
                byte[] noise = new byte[random.nextInt(64)];
                random.nextBytes(noise);
                applied.add("replace with " + noise.length + " random bytes");
                return noise;
            }
        }
    }

    /** Appends a string field (last one wins) holding bytes that are not UTF-8. */
    private static byte[] withInvalidUtf8(byte[] bytes, Descriptor type, Random random, List<String> applied) {
        List<FieldDescriptor> strings = type.getFields().stream()
                .filter(f -> f.getJavaType() == FieldDescriptor.JavaType.STRING).toList();
        int field = strings.isEmpty() ? 1 + random.nextInt(10) : strings.get(random.nextInt(strings.size())).getNumber();
        byte[] invalid = INVALID_UTF8[random.nextInt(INVALID_UTF8.length)];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            coded.writeByteArray(field, invalid);
            coded.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        applied.add("field " + field + " := invalid UTF-8 " + java.util.HexFormat.of().formatHex(invalid));
        return concat(bytes, out.toByteArray());
    }

    private static byte[] tag(int field, int wireType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            coded.writeUInt32NoTag((field << 3) | wireType);
            coded.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
