package dev.dynamo.core.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.Partitioner;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.UnknownPluginException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PartitionersTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void md5IsTheFirstEightDigestBytesBigEndian() {
        Partitioner md5 = new Md5Partitioner();
        // RFC 1321 test suite: d41d8cd98f00b204e9800998ecf8427e, 900150983cd24fb0d6963f7d28e17f72
        assertEquals(0xd41d8cd98f00b204L, md5.position(utf8("")));
        assertEquals(0x900150983cd24fb0L, md5.position(utf8("abc")));
        // 9e107d9d372bb6826bd81d3542a419d6
        assertEquals(0x9e107d9d372bb682L, md5.position(utf8("The quick brown fox jumps over the lazy dog")));
        // 0xd4...: in the upper half of the ring, 0x90...: just above it
        assertEquals(212, md5.partition(utf8(""), 256));
        assertEquals(144, md5.partition(utf8("abc"), 256));
    }

    @Test
    void murmur3IsTheFirst64BitsWithSeedZero() {
        Partitioner murmur = new Murmur3Partitioner();
        assertEquals(0xcbd8a7b341bd9b02L, murmur.position(utf8("hello")));
        assertEquals(0xe34bbc7bbc071b6cL, murmur.position(utf8("The quick brown fox jumps over the lazy dog")));
        assertEquals(0L, murmur.position(new byte[0]));
        assertEquals(0xcb, murmur.partition(utf8("hello"), 256));
    }

    @Test
    void pluginsFindBothByName() {
        assertInstanceOf(Md5Partitioner.class, Plugins.partitioner("md5"));
        assertInstanceOf(Murmur3Partitioner.class, Plugins.partitioner("murmur3"));
        assertEquals("md5", Plugins.partitioner("md5").name());
        assertEquals("murmur3", Plugins.partitioner("murmur3").name());
    }

    @Test
    void anUnknownNameListsTheInstalledOnes() {
        UnknownPluginException e = assertThrows(UnknownPluginException.class, () -> Plugins.partitioner("sha1"));
        assertTrue(e.getMessage().contains("'sha1'"), e.getMessage());
        assertTrue(e.getMessage().contains("md5") && e.getMessage().contains("murmur3"), e.getMessage());
    }

    /**
     * Pearson's chi-square over 64 partitions (63 degrees of freedom: mean 63, sd 11.2).
     * The bound 120 is about 5 sd, p ≈ 1e-5; the keys are fixed, so the test is stable.
     */
    @ParameterizedTest
    @ValueSource(strings = {"md5", "murmur3"})
    void partitionsAreRoughlyUniform(String name) {
        Partitioner partitioner = Plugins.partitioner(name);
        int q = 64;
        int keys = 64_000;
        SplittableRandom random = new SplittableRandom(20070101);
        IntFunction<byte[]> sequential = i -> utf8("user:" + i);
        IntFunction<byte[]> randomBytes = i -> {
            byte[] key = new byte[1 + random.nextInt(24)];
            random.nextBytes(key);
            return key;
        };
        for (IntFunction<byte[]> keyOf : java.util.List.of(sequential, randomBytes)) {
            int[] counts = new int[q];
            for (int i = 0; i < keys; i++) {
                counts[partitioner.partition(keyOf.apply(i), q)]++;
            }
            double expected = (double) keys / q;
            double chiSquare = 0;
            for (int c : counts) {
                chiSquare += (c - expected) * (c - expected) / expected;
            }
            assertTrue(chiSquare < 120, name + ": chi-square " + chiSquare);
        }
    }

    @Test
    void partitionOfPositionCutsEqualRanges() {
        assertEquals(0, Partitioner.partitionOfPosition(0L, 1024));
        assertEquals(1023, Partitioner.partitionOfPosition(-1L, 1024));
        assertEquals(512, Partitioner.partitionOfPosition(Long.MIN_VALUE, 1024));
        assertEquals(511, Partitioner.partitionOfPosition(Long.MAX_VALUE, 1024));
        assertEquals(1, Partitioner.partitionOfPosition(1L << 54, 1024));
        assertEquals(0, Partitioner.partitionOfPosition((1L << 54) - 1, 1024));
        assertEquals(2, Partitioner.partitionOfPosition(-1L, 3));
        assertEquals(0, Partitioner.partitionOfPosition(-1L, 1));
    }
}
