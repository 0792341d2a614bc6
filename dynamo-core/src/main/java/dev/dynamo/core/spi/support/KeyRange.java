package dev.dynamo.core.spi.support;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The bounds of a {@link dev.dynamo.core.spi.StorageEngine#scan scan}: keys with
 * {@code from <= key < to} in unsigned byte order, a null bound open on its side.
 *
 * <p>Caller may assume: the range keeps copies of the bounds it was given and hands out
 * copies, so neither side can change it; a range with {@code from >= to} is
 * {@link #isEmpty() empty}.
 *
 * <pre>{@code
 * KeyRange range = KeyRange.of(fromInclusive, toExclusive);
 * cursor.seek(range.from());
 * while (cursor.valid() && !range.isPastEnd(cursor.key())) { ... }
 * }</pre>
 */
public final class KeyRange {
    private final byte[] from;
    private final byte[] to;

    private KeyRange(byte[] from, byte[] to) {
        this.from = from;
        this.to = to;
    }

    /** The range {@code [fromInclusive, toExclusive)}; either may be null (open). */
    public static KeyRange of(byte[] fromInclusive, byte[] toExclusive) {
        return new KeyRange(fromInclusive == null ? null : fromInclusive.clone(),
                toExclusive == null ? null : toExclusive.clone());
    }

    /** A copy of the lower bound (inclusive), or null when open. */
    public byte[] from() {
        return from == null ? null : from.clone();
    }

    /** A copy of the upper bound (exclusive), or null when open. */
    public byte[] to() {
        return to == null ? null : to.clone();
    }

    /** Whether {@code key} is at or after the upper bound, so that a scan in key order can stop. */
    public boolean isPastEnd(byte[] key) {
        return to != null && Arrays.compareUnsigned(key, to) >= 0;
    }

    /** Whether no key lies in the range ({@code from >= to}). */
    public boolean isEmpty() {
        return from != null && to != null && Arrays.compareUnsigned(from, to) >= 0;
    }

    /** The smallest key after {@code key} in unsigned byte order: {@code key} followed by {@code 0x00}. */
    public static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    /** Bounds in hex, for messages and debugging. */
    @Override
    public String toString() {
        return "[" + hex(from) + ", " + hex(to) + ")";
    }

    private static String hex(byte[] bound) {
        return bound == null ? "open" : HexFormat.of().formatHex(bound);
    }
}
