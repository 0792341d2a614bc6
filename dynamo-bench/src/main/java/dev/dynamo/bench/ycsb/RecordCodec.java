package dev.dynamo.bench.ycsb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one value a YCSB record (a map of field names to bytes) is stored as. Compact and
 * binary, because YCSB values are opaque bytes and a text encoding (JSON, base64) would
 * inflate a 1 KB record by a third and cost a parse per read:
 *
 * <pre>
 * version      1 byte, 1
 * field count  unsigned varint
 * per field:   name length (unsigned varint), name (UTF-8), value length (unsigned varint), value
 * </pre>
 *
 * A record of ten 100-byte fields named {@code field0..field9} takes 1,082 bytes: names and lengths
 * add 8 bytes per field, 2 per record.
 *
 * <pre>{@code
 * byte[] value = RecordCodec.encode(Map.of("field0", bytes));
 * Map<String, byte[]> fields = RecordCodec.decode(value);
 * }</pre>
 */
public final class RecordCodec {
    /** The first byte of every encoded record. */
    public static final int VERSION = 1;
    /** Decoding refuses counts and lengths above this, so a corrupt value cannot ask for gigabytes. */
    private static final int MAX_LENGTH = 64 * 1024 * 1024;

    private RecordCodec() {
    }

    /** Encodes the fields in the map's iteration order. */
    public static byte[] encode(Map<String, byte[]> fields) {
        int size = 1 + 5;
        for (Map.Entry<String, byte[]> e : fields.entrySet()) {
            size += 10 + e.getKey().length() * 3 + e.getValue().length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(VERSION);
        writeVarint(out, fields.size());
        for (Map.Entry<String, byte[]> e : fields.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            writeVarint(out, name.length);
            out.write(name, 0, name.length);
            byte[] value = e.getValue();
            writeVarint(out, value.length);
            out.write(value, 0, value.length);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a record, fields in their stored order.
     *
     * @throws IllegalArgumentException "malformed record: ..." when the bytes are not a record
     */
    public static Map<String, byte[]> decode(byte[] bytes) {
        int[] pos = {0};
        if (bytes.length == 0 || bytes[0] != VERSION) {
            throw new IllegalArgumentException("malformed record: "
                    + (bytes.length == 0 ? "empty" : "version " + bytes[0] + ", expected " + VERSION));
        }
        pos[0] = 1;
        int count = readVarint(bytes, pos);
        Map<String, byte[]> fields = new LinkedHashMap<>(Math.min(count, 1024) * 2);
        for (int i = 0; i < count; i++) {
            int nameLength = readVarint(bytes, pos);
            String name = new String(take(bytes, pos, nameLength), StandardCharsets.UTF_8);
            int valueLength = readVarint(bytes, pos);
            fields.put(name, take(bytes, pos, valueLength));
        }
        if (pos[0] != bytes.length) {
            throw new IllegalArgumentException("malformed record: " + (bytes.length - pos[0])
                    + " bytes after the last field");
        }
        return fields;
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        int v = value;
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private static int readVarint(byte[] bytes, int[] pos) {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos[0] >= bytes.length) {
                throw new IllegalArgumentException("malformed record: truncated at byte " + pos[0]);
            }
            int b = bytes[pos[0]++] & 0xFF;
            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (result < 0 || result > MAX_LENGTH) {
                    throw new IllegalArgumentException("malformed record: length " + Integer.toUnsignedString(result)
                            + " over " + MAX_LENGTH);
                }
                return result;
            }
        }
        throw new IllegalArgumentException("malformed record: varint longer than 5 bytes at byte " + pos[0]);
    }

    private static byte[] take(byte[] bytes, int[] pos, int length) {
        if (length > bytes.length - pos[0]) {
            throw new IllegalArgumentException("malformed record: a length of " + length + " at byte " + pos[0]
                    + " runs past the end (" + bytes.length + " bytes)");
        }
        byte[] out = new byte[length];
        System.arraycopy(bytes, pos[0], out, 0, length);
        pos[0] += length;
        return out;
    }
}
