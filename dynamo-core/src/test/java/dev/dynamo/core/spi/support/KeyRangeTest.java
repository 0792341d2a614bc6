package dev.dynamo.core.spi.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyRangeTest {

    @Test
    void keysAtOrAfterTheUpperBoundArePastTheEndInUnsignedOrder() {
        KeyRange range = KeyRange.of(new byte[] {1}, new byte[] {(byte) 0x80});

        assertFalse(range.isPastEnd(new byte[] {0x7F}));
        assertFalse(range.isPastEnd(new byte[] {0x7F, (byte) 0xFF}));
        assertTrue(range.isPastEnd(new byte[] {(byte) 0x80}), "the upper bound is exclusive");
        assertTrue(range.isPastEnd(new byte[] {(byte) 0xFF}), "0xFF sorts after 0x80, unsigned");
    }

    @Test
    void anOpenUpperBoundHasNoEnd() {
        KeyRange range = KeyRange.of(null, null);

        assertFalse(range.isPastEnd(new byte[] {(byte) 0xFF, (byte) 0xFF}));
        assertNull(range.from());
        assertNull(range.to());
        assertFalse(range.isEmpty());
    }

    @Test
    void aRangeWhoseStartIsNotBelowItsEndIsEmpty() {
        assertTrue(KeyRange.of(new byte[] {2}, new byte[] {2}).isEmpty());
        assertTrue(KeyRange.of(new byte[] {3}, new byte[] {2}).isEmpty());
        assertFalse(KeyRange.of(new byte[] {2}, new byte[] {2, 0}).isEmpty());
    }

    @Test
    void boundsAreCopiedInAndOut() {
        byte[] from = {1};
        byte[] to = {5};
        KeyRange range = KeyRange.of(from, to);
        from[0] = 9;
        to[0] = 0;
        range.to()[0] = 0;

        assertArrayEquals(new byte[] {1}, range.from());
        assertArrayEquals(new byte[] {5}, range.to());
        assertFalse(range.isPastEnd(new byte[] {4}));
    }

    @Test
    void theSuccessorIsTheKeyFollowedByZero() {
        assertArrayEquals(new byte[] {7, 0}, KeyRange.successor(new byte[] {7}));
        assertArrayEquals(new byte[] {0}, KeyRange.successor(new byte[0]));
    }
}
