package dev.dynamo.core.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link ByteWriter} wrote. Every read checks bounds and throws
 * {@link IllegalArgumentException} on truncated or oversized input, so hostile bytes
 * never cause a huge allocation.
 */
public final class ByteReader {
    private final byte[] buf;
    private int pos;
    private final int end;

    public ByteReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public ByteReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    public int remaining() {
        return end - pos;
    }

    private void need(int n) {
        if (n < 0 || n > end - pos) {
            throw new IllegalArgumentException("truncated input: need " + n + " bytes, have " + (end - pos));
        }
    }

    public int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public int readInt() {
        need(4);
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
                | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long readLong() {
        return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
    }

    public long readVarLong() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    public int readVarInt() {
        long v = readVarLong();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("length out of range: " + v);
        }
        return (int) v;
    }

    /** Length-prefixed bytes; the length must fit in what is left. */
    public byte[] readBytes() {
        int n = readVarInt();
        need(n);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    public String readString() {
        int n = readVarInt();
        need(n);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    public void expectEnd() {
        if (pos != end) {
            throw new IllegalArgumentException((end - pos) + " trailing bytes");
        }
    }
}
