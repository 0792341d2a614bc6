package dev.dynamo.core.spi;

/**
 * Maps a key to a position on the ring: an unsigned 64-bit number. The ring cuts the
 * position space into Q equal partitions. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.dynamo.core.spi.Partitioner}); must be stateless,
 * thread-safe and give the same position for the same bytes on every JVM forever.
 *
 * <pre>{@code
 * Partitioner p = Plugins.partitioner("md5");
 * int partition = ring.partitionOf(p.position(key));
 * }</pre>
 */
public interface Partitioner {

    /** The name tables use in {@code partitioner=...}. */
    String name();

    /** The key's position, read as unsigned. */
    long position(byte[] key);

    /** The partition of {@code key} among {@code q} equal partitions of the position space. */
    default int partition(byte[] key, int q) {
        return partitionOfPosition(position(key), q);
    }

    /** Equal ranges: partition i holds positions [i·2⁶⁴/q, (i+1)·2⁶⁴/q). */
    static int partitionOfPosition(long position, int q) {
        if (q < 1) {
            throw new IllegalArgumentException("q must be >= 1, was " + q);
        }
        // unsigned high half of position × q, i.e. floor(position × q / 2^64)
        long high = Math.multiplyHigh(position, q) + ((position >> 63) & q);
        return (int) high;
    }
}
