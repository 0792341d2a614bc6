package dev.dynamo.core.ring;

import dev.dynamo.core.spi.Partitioner;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The paper's partitioner: the position of a key is the first 8 bytes of its MD5 digest,
 * read big-endian as an unsigned 64-bit number. Stateless and thread-safe; registered as
 * {@code md5}.
 *
 * <pre>{@code
 * Partitioner md5 = Plugins.partitioner("md5");
 * long position = md5.position("cart:42".getBytes(UTF_8));
 * int partition = md5.partition("cart:42".getBytes(UTF_8), 1024);
 * }</pre>
 */
public final class Md5Partitioner implements Partitioner {

    /** The name tables use in {@code partitioner=md5}. */
    public static final String NAME = "md5";

    /** For {@link java.util.ServiceLoader}. */
    public Md5Partitioner() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long position(byte[] key) {
        byte[] digest = md5().digest(key);
        long position = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            position = (position << 8) | (digest[i] & 0xffL);
        }
        return position;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            // every Java SE platform must provide MD5
            throw new IllegalStateException("this JVM has no MD5 MessageDigest", e);
        }
    }

    @Override
    public String toString() {
        return NAME;
    }
}
