package dev.dynamo.core.store;

import java.util.Arrays;

/**
 * Key layout in an engine: 4-byte big-endian partition id, then the user's key, so one
 * partition is one contiguous range of the ordered engine.
 */
public final class StorageKeys {
    private StorageKeys() {
    }

    public static byte[] of(int partition, byte[] key) {
        byte[] out = new byte[4 + key.length];
        out[0] = (byte) (partition >>> 24);
        out[1] = (byte) (partition >>> 16);
        out[2] = (byte) (partition >>> 8);
        out[3] = (byte) partition;
        System.arraycopy(key, 0, out, 4, key.length);
        return out;
    }

    public static int partition(byte[] storageKey) {
        return ((storageKey[0] & 0xFF) << 24) | ((storageKey[1] & 0xFF) << 16)
                | ((storageKey[2] & 0xFF) << 8) | (storageKey[3] & 0xFF);
    }

    public static byte[] userKey(byte[] storageKey) {
        return Arrays.copyOfRange(storageKey, 4, storageKey.length);
    }

    /** First storage key of {@code partition} (inclusive). */
    public static byte[] partitionStart(int partition) {
        return of(partition, new byte[0]);
    }

    /** First storage key after {@code partition} (exclusive); null past the last partition. */
    public static byte[] partitionEnd(int partition) {
        return partition == -1 ? null : of(partition + 1, new byte[0]);
    }
}
