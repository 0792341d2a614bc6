package dev.dynamo.examples.reconciler;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import dev.dynamo.testing.contract.ReconcilerContract;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tuple;

/** The shared reconciler laws for the example, plus what it promises about counters and other values. */
class MaxCounterReconcilerContractTest extends ReconcilerContract {

    private final Reconciler counters = Plugins.reconciler("example-max-counter").create("t", Map.of());

    @Override
    protected Reconciler reconciler() {
        return counters;
    }

    /** Counters (small ones collide often, some beyond a long), almost-counters, and arbitrary bytes. */
    @Override
    protected Arbitrary<byte[]> values() {
        Arbitrary<String> counter = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 12).map(String::valueOf),
                Arbitraries.of(String.valueOf(Long.MAX_VALUE), "18446744073709551616", "100000000000000000000000"));
        Arbitrary<String> notCounter = Arbitraries.of("", "00", "007", "-1", "+1", " 1", "1 ", "1.0", "1e3", "ten",
                "\u0661");
        return Arbitraries.frequencyOf(
                Tuple.of(5, counter.map(s -> s.getBytes(US_ASCII))),
                Tuple.of(2, notCounter.map(s -> s.getBytes(UTF_8))),
                Tuple.of(2, smallByteArrays()));
    }

    @Property(tries = ONE_LIST_TRIES)
    void keepsEveryValueThatIsNotACounter(@ForAll("siblingLists") List<Sibling> input) {
        List<Sibling> result = reconcile(input);
        for (Sibling s : input) {
            if (!s.tombstone() && !MaxCounterReconciler.isCounter(s.value())) {
                assertTrue(result.contains(s), () -> "dropped " + s + " from " + input + ": " + result);
            }
        }
    }

    @Property(tries = ONE_LIST_TRIES)
    void theLargestCounterComesFirstAndBeatsDeletes(@ForAll("siblingLists") List<Sibling> input) {
        List<Sibling> result = reconcile(input);
        Optional<BigInteger> largest = input.stream().filter(s -> !s.tombstone() && MaxCounterReconciler.isCounter(s.value()))
                .map(MaxCounterReconcilerContractTest::count).max(BigInteger::compareTo);
        List<Sibling> countersOut = result.stream().filter(s -> !s.tombstone() && MaxCounterReconciler.isCounter(s.value()))
                .toList();
        long deletesOut = result.stream().filter(Sibling::tombstone).count();
        if (largest.isPresent()) {
            assertEquals(List.of(result.get(0)), countersOut, () -> "one counter, first, in " + result);
            assertEquals(largest.get(), count(result.get(0)), () -> "the largest of " + input);
            assertEquals(0, deletesOut, () -> "a delete next to a counter in " + result);
        } else {
            assertEquals(input.stream().anyMatch(Sibling::tombstone) ? 1 : 0, deletesOut, result::toString);
            assertTrue(deletesOut == 0 || result.get(0).tombstone(), () -> "delete not first in " + result);
        }
    }

    private static BigInteger count(Sibling s) {
        return new BigInteger(new String(s.value(), US_ASCII));
    }
}
