package dev.dynamo.core.antientropy;

import dev.dynamo.core.ring.Murmur3;

/**
 * A hash tree over one (table, partition): {@value #LEAVES} leaf buckets under
 * {@value #FANOUT} inner nodes under the root. A key falls in the bucket of its key's hash;
 * a bucket's hash is the XOR of {@code hash(key, stored value)} over its keys, and an inner
 * node's hash is the XOR of its children.
 *
 * <p>XOR makes the tree incremental: a write changes one bucket by
 * {@code old entry hash ^ new entry hash}, so trees stay current as writes arrive and never
 * need a rebuild while the node runs (it is built by one scan at start-up). Two replicas
 * compare the root's children, then the buckets under differing children, then the keys of
 * differing buckets only, so the bytes exchanged grow with the number of differing keys.
 *
 * <pre>{@code
 * MerkleTree t = new MerkleTree();
 * t.update(storageKey, null, newValue);
 * long[] inner = t.inner();
 * }</pre>
 */
public final class MerkleTree {
    public static final int FANOUT = 16;
    public static final int LEAVES = FANOUT * FANOUT;

    private final long[] leaves = new long[LEAVES];

    /** The bucket of a key (by the key alone, so it stays put when the value changes). */
    public static int bucket(byte[] storageKey) {
        return (int) (Murmur3.hash64(storageKey, 0x5eed) & (LEAVES - 1));
    }

    /**
     * The hash of one stored entry: the key's and the value's hashes, mixed non-linearly (a
     * plain XOR of the two would let two keys swap values unseen). Hashing the two apart
     * spares a copy of key and value per write.
     */
    public static long entryHash(byte[] storageKey, byte[] value) {
        long k = Murmur3.hash64(storageKey, 0);
        long v = Murmur3.hash64(value, VALUE_SEED);
        return Murmur3.mix64(k * 0x9E3779B97F4A7C15L ^ v);
    }

    private static final int VALUE_SEED = 0x9747b28c;

    /** Records that {@code storageKey} changed from {@code oldValue} to {@code newValue} (null: absent). */
    public void update(byte[] storageKey, byte[] oldValue, byte[] newValue) {
        long delta = (oldValue == null ? 0 : entryHash(storageKey, oldValue))
                ^ (newValue == null ? 0 : entryHash(storageKey, newValue));
        if (delta != 0) {
            int b = bucket(storageKey);
            synchronized (leaves) {
                leaves[b] ^= delta;
            }
        }
    }

    /** The {@value #FANOUT} children of the root. */
    public long[] inner() {
        long[] out = new long[FANOUT];
        synchronized (leaves) {
            for (int i = 0; i < LEAVES; i++) {
                out[i / FANOUT] ^= leaves[i];
            }
        }
        return out;
    }

    /** The buckets under inner node {@code index}. */
    public long[] leavesUnder(int index) {
        long[] out = new long[FANOUT];
        synchronized (leaves) {
            System.arraycopy(leaves, index * FANOUT, out, 0, FANOUT);
        }
        return out;
    }

    public long root() {
        long r = 0;
        for (long h : inner()) {
            r ^= h;
        }
        return r;
    }
}
