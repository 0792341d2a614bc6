package dev.dynamo.core.spi.support;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an operator reads when a table's engine properties are wrong, and what a right one yields. */
class EnginePropertiesTest {

    private static EngineProperties props(Map<String, String> properties) {
        return EngineProperties.parse("rocksdb", "carts", properties,
                List.of("write-buffer-mb", "block-cache-mb", "sync-writes", "level"));
    }

    @Test
    void anUnknownKeyFailsNamingTheTableTheFullKeyAndEveryKnownKeySorted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> props(Map.of("block-cache", "4")));
        assertEquals("table 'carts': unknown property engine.rocksdb.block-cache;"
                + " known: block-cache-mb, level, sync-writes, write-buffer-mb", e.getMessage());
    }

    @Test
    void ofSeveralUnknownKeysTheFirstInSortedOrderIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> props(Map.of("zz", "1", "aa", "2", "mm", "3")));
        assertTrue(e.getMessage().startsWith("table 'carts': unknown property engine.rocksdb.aa;"), e.getMessage());
    }

    @Test
    void anIntegerBelowItsMinimumFailsNamingTableKeyValueAndMinimum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> props(Map.of("write-buffer-mb", "0")).intAtLeast("write-buffer-mb", 64, 1));
        assertEquals("table 'carts': engine.rocksdb.write-buffer-mb must be an integer >= 1, was '0'", e.getMessage());
    }

    @Test
    void aValueThatIsNoIntegerFailsLikeOneOutOfRangeAndKeepsTheParseError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> props(Map.of("write-buffer-mb", "lots")).intAtLeast("write-buffer-mb", 64, 1));
        assertEquals("table 'carts': engine.rocksdb.write-buffer-mb must be an integer >= 1, was 'lots'",
                e.getMessage());
        assertInstanceOf(NumberFormatException.class, e.getCause());
    }

    @Test
    void anIntegerOutsideItsRangeFailsNamingBothEnds() {
        EngineProperties p = props(Map.of("level", "95"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.intInRange("level", 20, 1, 90));
        assertEquals("table 'carts': engine.rocksdb.level must be an integer from 1 to 90, was '95'", e.getMessage());
        assertEquals(90, props(Map.of("level", "90")).intInRange("level", 20, 1, 90), "the ends are allowed");
        assertEquals(1, props(Map.of("level", "1")).intInRange("level", 20, 1, 90));
    }

    @Test
    void aBooleanOtherThanTrueOrFalseFailsSayingSo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> props(Map.of("sync-writes", "yes")).bool("sync-writes", false));
        assertEquals("table 'carts': engine.rocksdb.sync-writes must be true or false, was 'yes'", e.getMessage());
    }

    @Test
    void aWordOutsideItsChoicesFailsListingThemInTheOrderGiven() {
        EngineProperties p = EngineProperties.parse("bdb", "carts", Map.of("durability", "fsync"),
                List.of("durability"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.oneOf("durability", 2, Map.entry("sync", 1), Map.entry("write-no-sync", 2),
                        Map.entry("no-sync", 3)));
        assertEquals("table 'carts': engine.bdb.durability must be sync, write-no-sync or no-sync, was 'fsync'",
                e.getMessage());
    }

    @Test
    void absentKeysGiveTheirDefaults() {
        EngineProperties p = props(Map.of());
        assertEquals(64, p.intAtLeast("write-buffer-mb", 64, 1));
        assertEquals(20, p.intInRange("level", 20, 1, 90));
        assertTrue(p.bool("sync-writes", true));
        assertEquals("b", p.oneOf("level", "b", Map.entry("x", "a")));
    }

    @Test
    void valuesAreReadTrimmedButQuotedAsWritten() {
        EngineProperties p = props(Map.of("write-buffer-mb", " 32 ", "sync-writes", "true\t", "level", " x"));
        assertEquals(32, p.intAtLeast("write-buffer-mb", 64, 1));
        assertTrue(p.bool("sync-writes", false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.intAtLeast("level", 1, 0));
        assertTrue(e.getMessage().endsWith("was ' x'"), e.getMessage());
    }

    @Test
    void knownKeysWithGoodValuesAreRead() {
        EngineProperties p = props(Map.of("block-cache-mb", "0", "sync-writes", "false"));
        assertEquals(0, p.intAtLeast("block-cache-mb", 32, 0));
        assertFalse(p.bool("sync-writes", true));
    }

    @Test
    void anEngineWithoutPropertiesRejectsAnyNamingThemAllSorted() {
        assertDoesNotThrow(() -> EngineProperties.requireNone("memory", "scratch", Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineProperties.requireNone("memory", "scratch", Map.of("size", "1", "compress", "x")));
        assertEquals("table 'scratch': engine 'memory' takes no properties, got engine.memory.compress,"
                + " engine.memory.size", e.getMessage());
    }
}
