package dev.dynamo.core.antientropy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KeyPacerTest {

    @Test
    void spacesEventsAtTheRateAndDoesNotSaveUpIdleTime() {
        KeyPacer pacer = new KeyPacer(500); // one every 2 ms
        assertEquals(0, pacer.reserve(1_000));
        assertEquals(2, pacer.reserve(1_000));
        assertEquals(4, pacer.reserve(1_000));
        assertEquals(0, pacer.reserve(5_000), "idle time is not a credit for a burst");
        assertEquals(2, pacer.reserve(5_000));
    }

    @Test
    void ratesAboveOneThousandStillPace() {
        KeyPacer pacer = new KeyPacer(4_000); // one every 250 µs
        long waited = 0;
        for (int i = 0; i < 8; i++) { // bounded: eight events asked for at once
            waited = pacer.reserve(0);
        }
        assertEquals(2, waited, "the eighth of eight at once goes 1.75 ms later, rounded up");
        assertThrows(IllegalArgumentException.class, () -> new KeyPacer(0));
    }
}
