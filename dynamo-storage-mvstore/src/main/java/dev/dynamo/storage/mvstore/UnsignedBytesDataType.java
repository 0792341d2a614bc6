package dev.dynamo.storage.mvstore;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * {@code byte[]} keys and values for an {@link org.h2.mvstore.MVMap}, ordered by
 * {@link Arrays#compareUnsigned(byte[], byte[])}. H2's own {@code ByteArrayDataType} cannot
 * order keys. Stored as a variable-length size followed by the bytes.
 */
final class UnsignedBytesDataType extends BasicDataType<byte[]> {

    static final UnsignedBytesDataType INSTANCE = new UnsignedBytesDataType();

    /** Rough heap cost of one array beyond its bytes (header and reference). */
    private static final int ARRAY_OVERHEAD = 24;

    private UnsignedBytesDataType() {
    }

    @Override
    public int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    @Override
    public int getMemory(byte[] bytes) {
        return ARRAY_OVERHEAD + bytes.length;
    }

    /** Sizes are exact and cheap, so unsaved memory is counted exactly, not sampled. */
    @Override
    public boolean isMemoryEstimationAllowed() {
        return false;
    }

    @Override
    public void write(WriteBuffer buffer, byte[] bytes) {
        buffer.putVarInt(bytes.length).put(bytes);
    }

    @Override
    public byte[] read(ByteBuffer buffer) {
        byte[] bytes = new byte[DataUtils.readVarInt(buffer)];
        buffer.get(bytes);
        return bytes;
    }

    @Override
    public byte[][] createStorage(int size) {
        return new byte[size][];
    }
}
