package dev.dynamo.core.spi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The names engines give their files on disk; existing data is found by them, so they must not change. */
class TableFileNameTest {

    @Test
    void lettersDigitsUnderscoreAndDashAreKept() {
        assertEquals("Carts_2024-eu", TableFileName.of("Carts_2024-eu"));
    }

    @Test
    void everyOtherByteOfTheUtf8NameBecomesUpperCaseHex() {
        assertEquals("my%20table", TableFileName.of("my table"));
        assertEquals("a%2Fb%2Ec", TableFileName.of("a/b.c"));
        assertEquals("%2E%2E", TableFileName.of(".."));
        assertEquals("caf%C3%A9", TableFileName.of("café"));
    }

    @Test
    void theEmptyNameIsAPercentSignWhichNoOtherNameGives() {
        assertEquals("%", TableFileName.of(""));
        assertEquals("%25", TableFileName.of("%"));
        assertNotEquals(TableFileName.of(""), TableFileName.of("%"));
    }

    @Test
    void inResolvesTheNameWithItsSuffixInTheDirectory() {
        assertEquals(Path.of("data", "my%20table.rocksdb"), TableFileName.in(Path.of("data"), "my table", ".rocksdb"));
    }
}
