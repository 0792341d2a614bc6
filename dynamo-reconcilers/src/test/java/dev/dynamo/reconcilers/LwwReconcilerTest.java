package dev.dynamo.reconcilers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LwwReconcilerTest {

    private final Reconciler lww = Plugins.reconciler("lww").create("sessions", Map.of());

    @Test
    void laterWriteWins() {
        Sibling older = Sibling.of(bytes("old"), 100);
        Sibling newer = Sibling.of(bytes("new"), 200);
        assertEquals(List.of(newer), lww.reconcile(List.of(older, newer)));
        assertEquals(List.of(newer), lww.reconcile(List.of(newer, older)));
    }

    @Test
    void tieIsBrokenByUnsignedBytesWhateverTheOrder() {
        Sibling low = Sibling.of(new byte[] {0x7f}, 100);
        Sibling high = Sibling.of(new byte[] {(byte) 0x80}, 100); // negative as a signed byte
        assertEquals(List.of(high), lww.reconcile(List.of(low, high)));
        assertEquals(List.of(high), lww.reconcile(List.of(high, low)));
    }

    @Test
    void longerValueWinsATieWithItsPrefix() {
        Sibling prefix = Sibling.of(bytes("ab"), 7);
        Sibling longer = Sibling.of(bytes("abc"), 7);
        assertEquals(List.of(longer), lww.reconcile(List.of(longer, prefix)));
        assertEquals(List.of(longer), lww.reconcile(List.of(prefix, longer)));
    }

    @Test
    void laterTombstoneMeansDeleted() {
        Sibling value = Sibling.of(bytes("v"), 100);
        Sibling delete = Sibling.tombstone(150);
        assertEquals(List.of(delete), lww.reconcile(List.of(value, delete)));
    }

    @Test
    void tombstoneWinsATieAndLosesToALaterValue() {
        Sibling delete = Sibling.tombstone(100);
        assertEquals(List.of(delete), lww.reconcile(List.of(Sibling.of(bytes("\u00ff"), 100), delete)));
        Sibling later = Sibling.of(bytes("v"), 101);
        assertEquals(List.of(later), lww.reconcile(List.of(delete, later)));
    }

    @Test
    void identicalSiblingsGiveOne() {
        Sibling s = Sibling.of(bytes("v"), 1);
        assertEquals(List.of(s), lww.reconcile(List.of(s, Sibling.of(bytes("v"), 1))));
    }

    @Test
    void emptyInputGivesEmptyOutput() {
        assertEquals(List.of(), lww.reconcile(List.of()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
