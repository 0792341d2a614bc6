package dev.dynamo.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The opaque context a get returns and a put or delete hands back: it encodes the merged
 * vector clock of every version the get saw, so the store can tell which versions the
 * new write supersedes.
 *
 * <p>Two stable forms: {@link #toBytes()} (format version byte, then entries) and
 * {@link #toBase64()} (URL-safe base64 without padding, for HTTP headers).
 *
 * <pre>{@code
 * GetResult r = client.get("cart", key);
 * client.put("cart", key, r.context(), newValue);   // supersedes what r returned
 * client.put("cart", key, Context.EMPTY, value);    // blind write: becomes a sibling
 * }</pre>
 */
public final class Context {

    /** Version byte of the binary form. */
    public static final byte FORMAT_VERSION = 1;
    /** Upper bound on entries a decoded context may hold: guards against hostile input. */
    public static final int MAX_ENTRIES = 1024;
    private static final int MAX_NODE_ID_BYTES = 255;

    /** The context of a blind write: it supersedes nothing. */
    public static final Context EMPTY = new Context(VectorClock.EMPTY);

    private final VectorClock clock;

    private Context(VectorClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static Context of(VectorClock clock) {
        return clock.isEmpty() ? EMPTY : new Context(clock);
    }

    public VectorClock clock() {
        return clock;
    }

    public boolean isEmpty() {
        return clock.isEmpty();
    }

    /** Binary form: {@code 0x01, varint n, n × (varint len, utf8 node, varint counter, varint timestamp)}. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8 + clock.size() * 16);
        out.write(FORMAT_VERSION);
        writeVarLong(out, clock.size());
        for (VectorClock.Entry e : clock.entries()) {
            byte[] node = e.node().getBytes(StandardCharsets.UTF_8);
            writeVarLong(out, node.length);
            out.write(node, 0, node.length);
            writeVarLong(out, e.counter());
            writeVarLong(out, e.timestamp());
        }
        return out.toByteArray();
    }

    /** URL-safe base64 of {@link #toBytes()}, without padding; the empty context is "". */
    public String toBase64() {
        return clock.isEmpty() ? "" : Base64.getUrlEncoder().withoutPadding().encodeToString(toBytes());
    }

    /**
     * Decodes {@link #toBytes()}.
     *
     * @throws IllegalArgumentException when the bytes are not a context, saying why
     */
    public static Context fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return EMPTY;
        }
        Reader in = new Reader(bytes);
        int version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("malformed context: unknown format version " + version);
        }
        long n = in.readVarLong();
        if (n < 0 || n > MAX_ENTRIES) {
            throw new IllegalArgumentException("malformed context: " + n + " entries (at most " + MAX_ENTRIES + ")");
        }
        List<VectorClock.Entry> entries = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            long len = in.readVarLong();
            if (len < 1 || len > MAX_NODE_ID_BYTES) {
                throw new IllegalArgumentException("malformed context: node id of " + len + " bytes");
            }
            String node = in.readUtf8((int) len);
            long counter = in.readVarLong();
            long timestamp = in.readVarLong();
            if (counter < 1 || timestamp < 0) {
                throw new IllegalArgumentException("malformed context: bad entry for node '" + node + "'");
            }
            entries.add(new VectorClock.Entry(node, counter, timestamp));
        }
        if (in.remaining() != 0) {
            throw new IllegalArgumentException("malformed context: " + in.remaining() + " trailing bytes");
        }
        return of(VectorClock.of(entries));
    }

    /**
     * Decodes {@link #toBase64()}; null or blank is the empty context.
     *
     * @throws IllegalArgumentException when the text is not a context, saying why
     */
    public static Context fromBase64(String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed context: not URL-safe base64", e);
        }
        return fromBytes(bytes);
    }

    private static void writeVarLong(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static final class Reader {
        private final byte[] bytes;
        private int pos;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int remaining() {
            return bytes.length - pos;
        }

        int readByte() {
            if (pos >= bytes.length) {
                throw new IllegalArgumentException("malformed context: truncated");
            }
            return bytes[pos++] & 0xFF;
        }

        long readVarLong() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = readByte();
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("malformed context: varint too long");
        }

        String readUtf8(int len) {
            if (len > remaining()) {
                throw new IllegalArgumentException("malformed context: truncated");
            }
            String s = new String(bytes, pos, len, StandardCharsets.UTF_8);
            pos += len;
            return s;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Context c && c.clock.equals(clock);
    }

    @Override
    public int hashCode() {
        return clock.hashCode();
    }

    @Override
    public String toString() {
        return "Context" + clock;
    }
}
