package dev.dynamo.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.LimitExceededException;
import dev.dynamo.api.TooManySiblingsException;
import dev.dynamo.api.VectorClock;
import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.time.Clock;
import dev.dynamo.core.version.ContextLimits;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits a coordinated write meets in the store: the sibling cap and the context's counters and growth. */
class SiblingStoreLimitsTest {
    private static final int P = 3;
    private static final byte[] KEY = b("k");

    @TempDir
    Path dir;
    StorageEngine engine;
    SiblingStore store;

    @BeforeEach
    void open() {
        engine = Plugins.engine("memory").open(new EngineContext("t", dir, Map.of(), Clock.system()));
        store = new SiblingStore("t", engine, 10, false);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private SiblingStore.Coordinated write(Context context, String value, int maxSiblings) {
        return store.coordinate(P, KEY, context, b(value), false, "n1", 1, maxSiblings);
    }

    private static Context clock(String node, long counter) {
        return Context.of(VectorClock.of(List.of(new VectorClock.Entry(node, counter, 1))));
    }

    // ---------------------------------------------------------------- max-siblings

    @Test
    void aBlindWritePastTheCapIsRefusedAndStoresNothing() {
        for (int i = 0; i < 3; i++) {
            write(Context.EMPTY, "v" + i, 3);
        }
        SiblingSet before = store.get(P, KEY);

        TooManySiblingsException e = assertThrows(TooManySiblingsException.class,
                () -> write(Context.EMPTY, "v3", 3));
        assertThrows(TooManySiblingsException.class,
                () -> store.coordinate(P, KEY, Context.EMPTY, null, true, "n1", 1, 3), "a blind delete too");

        assertEquals(4, e.value());
        assertEquals(3, e.max());
        assertEquals("t", e.table());
        assertEquals(before, store.get(P, KEY));
    }

    @Test
    void aWriteThatSupersedesOneSiblingPassesAtTheCapAndOneWithTheReadsContextSettlesTheKey() {
        Context first = write(Context.EMPTY, "a", 2).context();
        write(Context.EMPTY, "b", 2);

        assertEquals(2, write(first, "a2", 2).siblings().size(), "replaces 'a': no more siblings than before");
        SiblingSet settled = write(store.get(P, KEY).context(), "merged", 2).siblings();
        assertEquals(1, settled.size());
        assertEquals("merged", new String(settled.versions().get(0).value(), StandardCharsets.UTF_8));
    }

    @Test
    void aKeyOverTheCapFromMergesStillTakesWritesThatSupersedeAndADeleteWithItsContext() {
        List<Version> many = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            many.add(new Version(new Dot("n2", i), Context.EMPTY, i, false, b("s" + i)));
        }
        store.merge(P, KEY, new SiblingSet(many)); // replicas never refuse: here 10 siblings, cap 3

        assertThrows(TooManySiblingsException.class, () -> write(Context.EMPTY, "blind", 3));
        assertEquals(10, write(Context.of(VectorClock.EMPTY, List.of(new Context.Event("n2", 4))), "x", 3)
                .siblings().size(), "supersedes n2:4 only: 10 stay 10");
        SiblingSet deleted = store.coordinate(P, KEY, store.get(P, KEY).context(), null, true, "n1", 2, 3)
                .siblings();
        assertEquals(1, deleted.size());
        assertTrue(deleted.isDeleted());
    }

    // ---------------------------------------------------------------- context.max-counter

    @Test
    void aForgedCounterIsRefusedWhetherItNamesThisNodeOrAnother() {
        for (String node : List.of("n1", "n2")) {
            LimitExceededException e = assertThrows(LimitExceededException.class,
                    () -> write(clock(node, Long.MAX_VALUE - 1), "v", 100));
            assertEquals(ContextLimits.MAX_COUNTER_SETTING, e.limit());
            assertEquals(Long.MAX_VALUE - 1, e.value());
        }
        LimitExceededException event = assertThrows(LimitExceededException.class, () -> write(
                Context.of(VectorClock.EMPTY, List.of(new Context.Event("n1", ContextLimits.MAX_COUNTER + 1))), "v",
                100));
        assertEquals(ContextLimits.MAX_COUNTER_SETTING, event.limit());
        assertTrue(store.get(P, KEY).isEmpty());

        assertEquals(ContextLimits.MAX_COUNTER + 1, write(clock("n1", ContextLimits.MAX_COUNTER), "at the limit", 100)
                .version().dot().counter(), "the limit itself is accepted");
        assertEquals(ContextLimits.MAX_COUNTER + 2, write(store.get(P, KEY).context(), "next", 100)
                .version().dot().counter());
    }

    @Test
    void aCounterAtTheLongMaximumStoredBeforeTheLimitMovesTheNodeToItsSpareActor() {
        store.merge(P, KEY, new SiblingSet(List.of(
                new Version(new Dot("n1", Long.MAX_VALUE), Context.EMPTY, 1, false, b("old")))));

        SiblingStore.Coordinated c = write(store.get(P, KEY).context(), "new", 100);

        assertEquals(new Dot("n1+", 1), c.version().dot());
        assertEquals(List.of(c.version()), c.siblings().versions(), "it supersedes the old version");
        assertEquals(new Dot("n1+", 2), write(c.context(), "newer", 100).version().dot());
        assertEquals(1, store.get(P, KEY).size());
    }

    @Test
    void aNodeWhoseSpareActorIsUsedUpGetsATypedErrorAndOtherNodesStillWrite() {
        store.merge(P, KEY, new SiblingSet(List.of(
                new Version(new Dot("n1", Long.MAX_VALUE), Context.EMPTY, 1, false, b("a")),
                new Version(new Dot("n1+", Long.MAX_VALUE), Context.EMPTY, 1, false, b("b")))));
        Context read = store.get(P, KEY).context();

        LimitExceededException e = assertThrows(LimitExceededException.class, () -> write(read, "v", 100));
        assertEquals(ContextLimits.MAX_COUNTER_SETTING, e.limit());

        SiblingSet settled = store.coordinate(P, KEY, read, b("via n2"), false, "n2", 2, 100).siblings();
        assertEquals(List.of(new Dot("n2", 1)), settled.versions().stream().map(Version::dot).toList());
    }

    // ---------------------------------------------------------------- context.max-key-entries

    @Test
    void contextsNamingInventedNodesStopGrowingTheKeysContextAtTheLimitWhileReadsWriteBack() {
        LimitExceededException refused = null;
        for (int w = 0; w < 20 && refused == null; w++) {
            List<VectorClock.Entry> invented = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                invented.add(new VectorClock.Entry("fake-" + w + "-" + i, 1, 1));
            }
            try {
                write(Context.of(VectorClock.of(invented)), "v" + w, 100);
            } catch (LimitExceededException e) {
                refused = e;
            }
        }
        assertTrue(refused != null, "200 invented entries, limit " + ContextLimits.MAX_KEY_ENTRIES);
        assertEquals(ContextLimits.MAX_KEY_ENTRIES_SETTING, refused.limit());
        Context read = store.get(P, KEY).context();
        assertTrue(ContextLimits.entries(read) <= ContextLimits.MAX_KEY_ENTRIES, read.toString());

        SiblingSet settled = write(read, "settled", 100).siblings();
        assertEquals(1, settled.size());
        write(Context.EMPTY, "blind", 100);
        assertTrue(ContextLimits.entries(store.get(P, KEY).context()) <= ContextLimits.MAX_KEY_ENTRIES);
    }
}
