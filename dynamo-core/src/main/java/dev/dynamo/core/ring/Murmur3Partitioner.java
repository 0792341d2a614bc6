package dev.dynamo.core.ring;

import dev.dynamo.core.spi.Partitioner;

/**
 * Positions keys by MurmurHash3 x64 128 with seed 0, keeping the first 64 bits
 * ({@code h1}) as the unsigned position. Much faster than {@code md5}, not
 * cryptographic. Stateless and thread-safe; registered as {@code murmur3}.
 *
 * <pre>{@code
 * Partitioner murmur = Plugins.partitioner("murmur3");
 * int partition = murmur.partition("cart:42".getBytes(UTF_8), 1024);
 * }</pre>
 *
 * @see Murmur3
 */
public final class Murmur3Partitioner implements Partitioner {

    /** The name tables use in {@code partitioner=murmur3}. */
    public static final String NAME = "murmur3";

    /** For {@link java.util.ServiceLoader}. */
    public Murmur3Partitioner() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long position(byte[] key) {
        return Murmur3.hash64(key, 0);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
