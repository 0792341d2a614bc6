package dev.dynamo.core.coordination;

import static dev.dynamo.core.coordination.Fixture.KEEP_ALL;
import static dev.dynamo.core.coordination.Fixture.bytes;
import static dev.dynamo.core.coordination.Fixture.set;
import static dev.dynamo.core.coordination.Fixture.string;
import static dev.dynamo.core.coordination.Fixture.version;
import static dev.dynamo.core.coordination.Fixture.versionOver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.GetResult;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.Version;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure logic of a get's answer: merge, reconcile, and who needs repair. */
class ReadResolutionTest {
    private static final Reconciler LONGEST = siblings -> List.of(siblings.stream()
            .max(Comparator.comparingInt((Sibling s) -> s.value().length)).orElseThrow());

    private final Version a = version("n1", 1, "a");
    private final Version bb = version("n2", 1, "bb");

    private static List<String> values(GetResult r) {
        return r.siblings().stream().map(v -> string(v.value())).sorted().toList();
    }

    @Test
    void mergeKeepsConcurrentVersionsAndDropsSupersededOnes() {
        Version newer = versionOver(set(a), "n1", 2, "newer");

        SiblingSet merged = ReadResolution.merge(List.of(set(a), set(bb), set(newer), SiblingSet.EMPTY));

        assertEquals(List.of("bb", "newer"), Fixture.values(merged));
    }

    @Test
    void nothingReadIsNotFoundWithAnEmptyContext() {
        GetResult r = ReadResolution.resolve(ReadResolution.merge(List.of(SiblingSet.EMPTY)), KEEP_ALL);

        assertFalse(r.isFound());
        assertTrue(r.context().isEmpty());
    }

    @Test
    void aDeleteIsNotFoundButTheContextCoversTheTombstone() {
        Version deleted = Version.tombstone(new Dot("n1", 2), set(a).context(), 5);

        GetResult r = ReadResolution.resolve(set(deleted), KEEP_ALL);

        assertFalse(r.isFound());
        assertTrue(r.context().covers("n1", 2));
    }

    @Test
    void oneVersionIsReturnedAsItIsWithItsClock() {
        GetResult r = ReadResolution.resolve(set(a), siblings -> {
            throw new AssertionError("one version needs no reconciling");
        });

        assertEquals(List.of("a"), values(r));
        assertEquals(a.clock(), r.siblings().get(0).clock());
    }

    @Test
    void siblingsGoThroughTheTablesReconcilerAndKeepTheirOwnClocks() {
        GetResult kept = ReadResolution.resolve(set(a, bb), KEEP_ALL);
        GetResult longest = ReadResolution.resolve(set(a, bb), LONGEST);

        assertEquals(List.of("a", "bb"), values(kept));
        assertEquals(List.of("bb"), values(longest));
        assertEquals(bb.clock(), longest.siblings().get(0).clock());
        assertTrue(longest.context().covers("n1", 1) && longest.context().covers("n2", 1),
                "the context covers the sibling the reconciler dropped too");
    }

    @Test
    void aReconciledValueThatIsNoneOfTheSiblingsCarriesTheMergedClock() {
        Reconciler concat = siblings -> List.of(Sibling.of(bytes("a+bb"), 99));

        GetResult r = ReadResolution.resolve(set(a, bb), concat);

        assertEquals(List.of("a+bb"), values(r));
        assertEquals(set(a, bb).clock(), r.siblings().get(0).clock());
    }

    @Test
    void aReconcilerThatSettlesOnATombstoneReadsAsNotFound() {
        Version deleted = Version.tombstone(new Dot("n3", 1), Context.EMPTY, 7);
        Reconciler deleteWins = siblings -> siblings.stream().filter(Sibling::tombstone).toList();

        GetResult r = ReadResolution.resolve(set(a, deleted), deleteWins);

        assertFalse(r.isFound());
    }

    @Test
    void staleNamesTheReplicasLackingAVersionOfTheMergedSet() {
        Map<String, SiblingSet> answers = new LinkedHashMap<>();
        answers.put("n1", set(a, bb));
        answers.put("n2", set(a));
        answers.put("n3", SiblingSet.EMPTY);

        assertEquals(List.of("n2", "n3"), ReadResolution.stale(ReadResolution.merge(answers.values()), answers));
    }
}
