package dev.dynamo.core.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * One concurrent version as a {@link Reconciler} sees it. The core keeps the vector clock;
 * a reconciler sees only the value, the write time and whether it is a delete.
 *
 * @param value     the bytes (empty for a tombstone)
 * @param timestamp the coordinator's wall-clock time of the write, in milliseconds
 * @param tombstone true when this version is a delete
 */
public record Sibling(byte[] value, long timestamp, boolean tombstone) {
    public Sibling {
        Objects.requireNonNull(value, "value");
    }

    public static Sibling of(byte[] value, long timestamp) {
        return new Sibling(value, timestamp, false);
    }

    public static Sibling tombstone(long timestamp) {
        return new Sibling(new byte[0], timestamp, true);
    }

    /** Content equality: records compare arrays by identity, siblings by bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Sibling s && s.timestamp == timestamp && s.tombstone == tombstone
                && Arrays.equals(s.value, value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value) * 31 + Long.hashCode(timestamp) * 2 + (tombstone ? 1 : 0);
    }

    @Override
    public String toString() {
        return tombstone ? "Sibling[tombstone @" + timestamp + "]"
                : "Sibling[" + value.length + " bytes @" + timestamp + "]";
    }
}
