package dev.dynamo.examples.reconciler;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaxCounterReconcilerTest {

    private final Reconciler counters = Plugins.reconciler(MaxCounterReconcilerProvider.NAME).create("t", Map.of());

    @Test
    void isFoundByNameThroughTheServicesFile() {
        assertInstanceOf(MaxCounterReconciler.class, counters);
    }

    @Test
    void theJavadocExample() {
        List<Sibling> result = counters.reconcile(List.of(
                Sibling.of(ascii("7"), 1), Sibling.of(ascii("12"), 2), Sibling.tombstone(5), Sibling.of(ascii("ten"), 3)));

        assertEquals(List.of(Sibling.of(ascii("12"), 2), Sibling.of(ascii("ten"), 3)), result);
    }

    @Test
    void numbersCompareByValueNotByText() {
        List<Sibling> result = counters.reconcile(List.of(Sibling.of(ascii("9"), 5), Sibling.of(ascii("10"), 1),
                Sibling.of(ascii("100000000000000000000"), 0), Sibling.of(ascii("99999999999999999999"), 9)));

        assertEquals(List.of(Sibling.of(ascii("100000000000000000000"), 0)), result);
    }

    @Test
    void ofEqualCountersTheLatestWriteWins() {
        assertEquals(List.of(Sibling.of(ascii("3"), 8)),
                counters.reconcile(List.of(Sibling.of(ascii("3"), 8), Sibling.of(ascii("3"), 2))));
    }

    @Test
    void withoutCountersTheLatestDeleteStaysBesideWhatIsNotACounter() {
        assertEquals(List.of(Sibling.tombstone(4), Sibling.of(ascii("007"), 1)),
                counters.reconcile(List.of(Sibling.tombstone(3), Sibling.of(ascii("007"), 1), Sibling.tombstone(4))));
    }

    @Test
    void anyPropertyIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plugins.reconciler(MaxCounterReconcilerProvider.NAME).create("hwm", Map.of("base", "16")));
        assertEquals("table 'hwm': reconciler 'example-max-counter' has no property"
                + " reconciler.example-max-counter.base; it takes none", e.getMessage());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(US_ASCII);
    }
}
