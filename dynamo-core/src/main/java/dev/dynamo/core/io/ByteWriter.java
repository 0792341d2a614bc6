package dev.dynamo.core.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian byte buffer with varints, for the core's encodings. Not thread-safe. */
public final class ByteWriter {
    private byte[] buf;
    private int len;

    public ByteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    public ByteWriter writeByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
        return this;
    }

    public ByteWriter writeInt(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    public ByteWriter writeLong(long v) {
        writeInt((int) (v >>> 32));
        return writeInt((int) v);
    }

    public ByteWriter writeVarLong(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            buf[len++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[len++] = (byte) value;
        return this;
    }

    public ByteWriter writeVarInt(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative length " + value);
        }
        return writeVarLong(value);
    }

    /** Length-prefixed bytes. */
    public ByteWriter writeBytes(byte[] bytes) {
        writeVarInt(bytes.length);
        return writeRaw(bytes, 0, bytes.length);
    }

    public ByteWriter writeRaw(byte[] bytes, int off, int n) {
        ensure(n);
        System.arraycopy(bytes, off, buf, len, n);
        len += n;
        return this;
    }

    /** Length-prefixed UTF-8. */
    public ByteWriter writeString(String s) {
        return writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public int length() {
        return len;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
