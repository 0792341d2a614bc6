package dev.dynamo.core.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Expected values were produced by the reference {@code MurmurHash3_x64_128} from
 * aappleby/smhasher ({@code src/MurmurHash3.cpp}) compiled with gcc on x86-64, printing
 * {@code out[0]} and {@code out[1]}.
 */
class Murmur3Test {

    private static void assertHash(long h1, long h2, byte[] data, int seed) {
        long[] actual = Murmur3.hash128(data, seed);
        assertArrayEquals(new long[] {h1, h2}, actual,
                () -> String.format("len=%d seed=%d: got %016x %016x", data.length, seed, actual[0], actual[1]));
        assertEquals(h1, Murmur3.hash64(data, seed));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void stringsMatchTheReference() {
        assertHash(0x0000000000000000L, 0x0000000000000000L, utf8(""), 0);
        assertHash(0x85555565f6597889L, 0xe6b53a48510e895aL, utf8("a"), 0);
        assertHash(0xb4963f3f3fad7867L, 0x3ba2744126ca2d52L, utf8("abc"), 0);
        assertHash(0xcbd8a7b341bd9b02L, 0x5b1e906a48ae1d19L, utf8("hello"), 0);
        assertHash(0x533f6046eb7f610eL, 0xab97467d60eb63b1L, utf8("hello world"), 0);
        assertHash(0xe34bbc7bbc071b6cL, 0x7a433ca9c49a9347L,
                utf8("The quick brown fox jumps over the lazy dog"), 0);
        assertHash(0x4be06d94cf4ad1a7L, 0x87c35b5c63a708daL, utf8("0123456789abcdef"), 0);
        assertHash(0x8e32612daa45f9deL, 0x0800f4c206c372eeL, utf8("0123456789abcdefg"), 0);
    }

    @Test
    void seedsAreZeroExtended() {
        assertHash(0xc4b8b3c960af6f08L, 0x2334b875b0efbc7aL, utf8("hello"), 42);
        assertHash(0x347bad75d7575e14L, 0xd940b3d7b5fb075cL, utf8("hello"), 0xffffffff);
    }

    /** Every tail length, two full blocks, and bytes >= 0x80 (a sign-extension bug shows here). */
    @Test
    void everyTailLengthWithHighBytesMatchesTheReference() {
        long[][] expected = {
            {0x0000000000000000L, 0x0000000000000000L}, {0x47da3778a4e290ecL, 0xfa2f17143880ce2eL},
            {0xd6228c1494734cb3L, 0xfe7aa6df6a3f1812L}, {0xf226c2616795f5c5L, 0x7081c1dea30698ffL},
            {0x699945cf20c7d13bL, 0xe7adde041945fa62L}, {0x632225f8a0057cfaL, 0x5ecd640844a391aeL},
            {0x71b36e3b2d83a7d8L, 0xec22bfbb9078ff29L}, {0x8ce55f267568c61cL, 0x988420aab256a3c2L},
            {0x8ae92e127a49398cL, 0xe55f262f2448d23cL}, {0x748f57c594193b87L, 0x1e5d130402fe4eb4L},
            {0x02645e58f6aeeedaL, 0x94d90ce6685c23baL}, {0x2f789af530dc3153L, 0xc8fed12da4ea30eeL},
            {0x529b3a58af03c871L, 0xb7452dde91975147L}, {0x8186e499c303485fL, 0xddc70fee038432deL},
            {0x773eced5387acf7bL, 0x7a32937794a7cd13L}, {0xfd88c46ae2733f92L, 0x5bbc496a962ae2b6L},
            {0x30c77ef4b0bf40deL, 0x47295ad2fe628af0L}, {0x5439e008c144b28bL, 0x1c954f4963a5d9fbL},
            {0x60acd5bcc12952a1L, 0x8381c7983a32b9e8L}, {0xf9db4dee1041731cL, 0x1502fb02ce0df954L},
            {0x2dae51247248a474L, 0xd8523bd249232569L}, {0xe8672a35d274816fL, 0x0e89871d5fbcef1aL},
            {0x169c7814533ca5e3L, 0x95758d8380d28160L}, {0x21fbdc54b18dc386L, 0x8f319ef056cb3a93L},
            {0x66b43c0117c21cdfL, 0xe431f5bf0ba64521L}, {0x3d110d9a474da43cL, 0xf6abe0152ed43c31L},
            {0x2b433e67aac1739cL, 0xf870e7ddc49a4147L}, {0x68560197832e7e62L, 0x3366f247b36767eaL},
            {0xb218937de3932ed7L, 0x48bdf817cb557c8eL}, {0x408f378fe08d026eL, 0x90cc1373d05b89ebL},
            {0xa8f571d38926ce89L, 0xa26759ba7c2a63e3L}, {0xb4b21e9406e7d6eaL, 0x1763bbb2a6e5b428L},
            {0x4e1bae2721aaaefcL, 0x909ecd58def66d05L}, {0x1190067b557d5a97L, 0x869a630cc7d35068L},
        };
        byte[] bytes = new byte[expected.length - 1];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (0xff - i * 3);
        }
        for (int n = 0; n < expected.length; n++) {
            assertHash(expected[n][0], expected[n][1], Arrays.copyOf(bytes, n), 0);
        }
    }

    @Property(tries = 200)
    void aSliceHashesLikeItsCopy(@ForAll @Size(max = 80) byte[] data, @ForAll @IntRange(max = 80) int from,
            @ForAll @IntRange(max = 80) int length, @ForAll int seed) {
        int offset = Math.min(from, data.length);
        int len = Math.min(length, data.length - offset);
        assertArrayEquals(Murmur3.hash128(Arrays.copyOfRange(data, offset, offset + len), seed),
                Murmur3.hash128(data, offset, len, seed));
    }

    @Test
    void rejectsABadSlice() {
        assertThrows(IndexOutOfBoundsException.class, () -> Murmur3.hash128(new byte[4], 2, 3, 0));
    }
}
