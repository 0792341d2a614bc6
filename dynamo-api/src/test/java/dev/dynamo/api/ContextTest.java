package dev.dynamo.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ContextTest {

    @Test
    void binaryFormIsStable() {
        Context c = Context.of(VectorClock.EMPTY.increment("n1", 3).increment("n2", 300));
        // version 1, 2 entries, "n1" counter 1 ts 3, "n2" counter 1 ts 300 (varint 0xAC 0x02)
        assertArrayEquals(new byte[] {1, 2, 2, 'n', '1', 1, 3, 2, 'n', '2', 1, (byte) 0xAC, 0x02}, c.toBytes());
        assertEquals("AQICbjEBAwJuMgGsAg", c.toBase64());
    }

    @Test
    void emptyContextIsTheEmptyString() {
        assertEquals("", Context.EMPTY.toBase64());
        assertEquals(Context.EMPTY, Context.fromBase64(""));
        assertEquals(Context.EMPTY, Context.fromBase64(null));
    }

    @Test
    void malformedContextsFailWithAReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Context.fromBase64("%%%"));
        assertTrue(e.getMessage().startsWith("malformed context"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Context.fromBytes(new byte[] {9}));
        assertThrows(IllegalArgumentException.class, () -> Context.fromBytes(new byte[] {1, 1, 2, 'n'}));
        assertThrows(IllegalArgumentException.class, () -> Context.fromBytes(new byte[] {1, (byte) 0xFF, 0x7F}));
    }

    @Test
    void randomBytesNeverDecodeToGarbageSilently() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            try {
                Context c = Context.fromBytes(bytes);
                assertEquals(c, Context.fromBytes(c.toBytes()), "a context that decodes round-trips");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().startsWith("malformed context")
                        || expected.getMessage().contains("node"), expected.getMessage());
            }
        }
    }
}
