package dev.dynamo.core.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * MurmurHash3, x64 128-bit variant, bit-for-bit equal to Austin Appleby's reference
 * {@code MurmurHash3_x64_128} (smhasher) on a little-endian machine: blocks are read
 * little-endian, tail bytes unsigned, the 32-bit seed is zero-extended. Stateless and
 * thread-safe.
 *
 * <pre>{@code
 * long[] h = Murmur3.hash128("hello".getBytes(UTF_8), 0);  // {h1, h2}
 * long first64 = Murmur3.hash64("hello".getBytes(UTF_8), 0); // == h[0]
 * }</pre>
 */
public final class Murmur3 {

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Murmur3() {
    }

    /** The first 64 bits ({@code h1}, i.e. {@code out[0]} of the reference) of the hash of {@code data}. */
    public static long hash64(byte[] data, int seed) {
        return hash128(data, 0, data.length, seed)[0];
    }

    /** The 128-bit hash of {@code data} as {@code {h1, h2}} (the reference's {@code out[0]}, {@code out[1]}). */
    public static long[] hash128(byte[] data, int seed) {
        return hash128(data, 0, data.length, seed);
    }

    /** The 128-bit hash of {@code data[offset, offset + length)} as {@code {h1, h2}}. */
    public static long[] hash128(byte[] data, int offset, int length, int seed) {
        Objects.checkFromIndexSize(offset, length, data.length);
        long h1 = Integer.toUnsignedLong(seed);
        long h2 = h1;
        int blocksEnd = offset + (length & ~15);
        for (int i = offset; i < blocksEnd; i += 16) {
            long k1 = (long) LONG_LE.get(data, i);
            long k2 = (long) LONG_LE.get(data, i + 8);

            h1 ^= mixK1(k1);
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;

            h2 ^= mixK2(k2);
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
        }

        int tail = length & 15;
        long k1 = 0;
        long k2 = 0;
        for (int i = tail - 1; i >= 8; i--) {
            k2 = (k2 << 8) | (data[blocksEnd + i] & 0xffL);
        }
        for (int i = Math.min(tail, 8) - 1; i >= 0; i--) {
            k1 = (k1 << 8) | (data[blocksEnd + i] & 0xffL);
        }
        if (tail > 8) {
            h2 ^= mixK2(k2);
        }
        if (tail > 0) {
            h1 ^= mixK1(k1);
        }

        h1 ^= length;
        h2 ^= length;
        h1 += h2;
        h2 += h1;
        h1 = fmix64(h1);
        h2 = fmix64(h2);
        h1 += h2;
        h2 += h1;
        return new long[] {h1, h2};
    }

    private static long mixK1(long k1) {
        return Long.rotateLeft(k1 * C1, 31) * C2;
    }

    private static long mixK2(long k2) {
        return Long.rotateLeft(k2 * C2, 33) * C1;
    }

    /** Murmur3's 64-bit finalizer: every input bit affects every output bit. */
    public static long mix64(long k) {
        return fmix64(k);
    }

    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
