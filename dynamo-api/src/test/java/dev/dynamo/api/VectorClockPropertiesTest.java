package dev.dynamo.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class VectorClockPropertiesTest {

    @Provide
    Arbitrary<VectorClock> clocks() {
        Arbitrary<VectorClock.Entry> entry = Combinators.combine(
                Arbitraries.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"),
                Arbitraries.longs().between(1, 6),
                Arbitraries.longs().between(0, 1_000))
                .as(VectorClock.Entry::new);
        return entry.list().ofMaxSize(12).uniqueElements(VectorClock.Entry::node).map(VectorClock::of);
    }

    private static boolean leq(VectorClock a, VectorClock b) {
        Occurred o = a.compareTo(b);
        return o == Occurred.BEFORE || o == Occurred.EQUAL;
    }

    @Property
    void compareIsReflexive(@ForAll("clocks") VectorClock a) {
        assertEquals(Occurred.EQUAL, a.compareTo(a));
    }

    @Property
    void compareIsAntisymmetric(@ForAll("clocks") VectorClock a, @ForAll("clocks") VectorClock b) {
        if (leq(a, b) && leq(b, a)) {
            assertEquals(a, b);
        }
        Occurred ab = a.compareTo(b);
        Occurred ba = b.compareTo(a);
        switch (ab) {
            case BEFORE -> assertEquals(Occurred.AFTER, ba);
            case AFTER -> assertEquals(Occurred.BEFORE, ba);
            case EQUAL -> assertEquals(Occurred.EQUAL, ba);
            case CONCURRENT -> assertEquals(Occurred.CONCURRENT, ba);
        }
    }

    @Property
    void compareIsTransitive(@ForAll("clocks") VectorClock a, @ForAll("clocks") VectorClock x,
                             @ForAll("clocks") VectorClock y) {
        // build a chain a <= b <= c, plus random third clocks, so the premise is not vacuous
        VectorClock b = a.merge(x);
        VectorClock c = b.merge(y);
        assertTrue(leq(a, b) && leq(b, c));
        assertTrue(leq(a, c));
        if (leq(x, a) && leq(a, y)) {
            assertTrue(leq(x, y));
        }
    }

    @Property
    void mergeIsTheLeastUpperBound(@ForAll("clocks") VectorClock a, @ForAll("clocks") VectorClock b,
                                   @ForAll("clocks") VectorClock c) {
        VectorClock m = a.merge(b);
        assertTrue(leq(a, m), "merge is above a");
        assertTrue(leq(b, m), "merge is above b");
        VectorClock upper = a.merge(b).merge(c); // an arbitrary upper bound of a and b
        assertTrue(leq(m, upper), "merge is below every upper bound");
        if (leq(a, c) && leq(b, c)) {
            assertTrue(leq(m, c));
        }
        assertEquals(m, b.merge(a), "commutative");
        assertEquals(a.merge(b.merge(c)), a.merge(b).merge(c), "associative");
        assertEquals(a, a.merge(a), "idempotent");
    }

    @Property
    void incrementMovesStrictlyAfter(@ForAll("clocks") VectorClock a) {
        VectorClock b = a.increment("z", 5);
        assertEquals(Occurred.AFTER, b.compareTo(a));
        assertEquals(a.counter("z") + 1, b.counter("z"));
    }

    @Property
    void truncationNeverMakesAClockLookNewerThanItWas(@ForAll("clocks") VectorClock a,
                                                      @ForAll("clocks") VectorClock b) {
        for (int max = 1; max <= 12; max++) {
            VectorClock t = a.truncate(max);
            assertTrue(t.size() <= max);
            assertTrue(leq(t, a), "a truncated clock never gains events");
            if (leq(b, t)) {
                // if the truncated clock covers b, the original did too: truncation can turn
                // "after" into "concurrent" (the documented cost), never "concurrent" into "after"
                assertTrue(leq(b, a));
            }
            if (a.compareTo(b) == Occurred.CONCURRENT) {
                assertNotEquals(Occurred.AFTER, t.compareTo(b));
                assertNotEquals(Occurred.EQUAL, t.compareTo(b));
            }
        }
    }

    @Property
    void truncationDropsOldestTimestampsFirst(@ForAll("clocks") VectorClock a) {
        VectorClock t = a.truncate(3);
        List<Long> kept = new ArrayList<>();
        t.entries().forEach(e -> kept.add(e.timestamp()));
        for (VectorClock.Entry e : a.entries()) {
            if (t.counter(e.node()) == 0) {
                for (long k : kept) {
                    assertTrue(e.timestamp() <= k, "dropped " + e + " is not newer than a kept entry");
                }
            }
        }
    }

    @Property
    void contextRoundTripsThroughBothForms(@ForAll("clocks") VectorClock a) {
        Context c = Context.of(a);
        assertEquals(c, Context.fromBytes(c.toBytes()));
        assertEquals(c, Context.fromBase64(c.toBase64()));
        assertEquals(a.entries(), Context.fromBytes(c.toBytes()).clock().entries(), "timestamps kept too");
    }
}
