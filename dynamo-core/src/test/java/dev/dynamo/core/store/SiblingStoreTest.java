package dev.dynamo.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.time.Clock;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiblingStoreTest {
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

    @Test
    void putGetSupersedeAndDelete() {
        byte[] key = b("k");
        Version v1 = store.coordinate(7, key, Context.EMPTY, b("a"), false, "n1", 1).version();
        SiblingSet s = store.get(7, key);
        assertEquals(List.of(v1), s.versions());
        Version v2 = store.coordinate(7, key, s.context(), b("b"), false, "n1", 2).version();
        assertEquals(List.of(v2), store.get(7, key).versions());
        store.coordinate(7, key, store.get(7, key).context(), null, true, "n1", 3);
        assertTrue(store.get(7, key).isDeleted());
        assertTrue(store.get(8, key).isEmpty(), "partitions are separate key spaces");
    }

    @Test
    void replicationIsIdempotentAndReportsObsoleteWrites() {
        byte[] key = b("k");
        SiblingStore.Coordinated c = store.coordinate(1, key, Context.EMPTY, b("a"), false, "n1", 1);
        assertFalse(store.merge(1, key, c.siblings()).changed(), "a duplicate delivery is obsolete");
        Version concurrent = new Version(new Dot("n2", 1), Context.EMPTY, 2, false, b("c"));
        assertTrue(store.merge(1, key, new SiblingSet(List.of(concurrent))).changed());
        assertEquals(2, store.get(1, key).size());
        Version older = new Version(new Dot("n3", 1), Context.EMPTY, 0, false, b("old"));
        Version newer = new Version(new Dot("n3", 2), older.fullContext(), 3, false, b("new"));
        assertTrue(store.merge(1, key, new SiblingSet(List.of(newer))).changed());
        assertFalse(store.merge(1, key, new SiblingSet(List.of(older))).changed(), "superseded: obsolete");
    }

    @Test
    void concurrentBlindWritersAllSurviveAsSiblings() throws Exception {
        byte[] key = b("hot");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Version>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<Version> mine = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        mine.add(store.coordinate(3, key, Context.EMPTY, b(thread + "-" + i), false, "n1", i)
                                .version());
                    }
                    return mine;
                }));
            }
            Set<Version> written = new HashSet<>();
            for (Future<List<Version>> f : futures) {
                written.addAll(f.get(30, TimeUnit.SECONDS));
            }
            assertEquals(400, written.size(), "every write got its own dot");
            assertEquals(written, new HashSet<>(store.get(3, key).versions()), "no write was lost");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void scanVisitsExactlyOnePartitionInKeyOrder() {
        for (int p = 0; p < 3; p++) {
            for (String k : List.of("c", "a", "b")) {
                store.coordinate(p, b(k), Context.EMPTY, b(k + p), false, "n1", 1);
            }
        }
        List<String> seen = new ArrayList<>();
        store.scanPartition(1, sk -> seen.add(new String(sk.key(), StandardCharsets.UTF_8) + sk.partition()));
        assertEquals(List.of("a1", "b1", "c1"), seen);
    }

    @Test
    void tombstonePurgeOnlyRemovesAnUnchangedKey() {
        byte[] key = b("k");
        store.coordinate(1, key, Context.EMPTY, null, true, "n1", 1);
        SiblingSet seen = store.get(1, key);
        store.coordinate(1, key, Context.EMPTY, b("new"), false, "n1", 2);
        assertFalse(store.removeIfUnchanged(1, key, seen), "a write arrived after the purge decision");
        SiblingSet now = store.get(1, key);
        assertTrue(store.removeIfUnchanged(1, key, now));
        assertTrue(store.get(1, key).isEmpty());
    }

    @Test
    void aPurgedKeyNeverGetsAnOldDotAgain() {
        byte[] key = b("k");
        byte[] other = b("other");
        Version put = store.coordinate(1, key, Context.EMPTY, b("a"), false, "n1", 1).version();
        Context staleRead = store.get(1, key).context(); // a client read before the delete
        store.coordinate(1, key, staleRead, null, true, "n1", 2);
        store.coordinate(1, other, Context.EMPTY, b("x"), false, "n1", 3);
        assertTrue(store.removeIfUnchanged(1, key, store.get(1, key)), "the tombstone is purged");

        // before: a blind write took n1:1 again, so the stale context below covered it
        Dot blind = store.coordinate(1, key, Context.EMPTY, b("b"), false, "n1", 4).version().dot();
        assertTrue(blind.counter() > 2, "a dot issued before the purge is issued again: " + blind);
        assertFalse(put.isCoveredBy(Context.EMPTY));
        Version late = store.coordinate(1, key, staleRead, b("c"), false, "n1", 5).version();
        assertTrue(late.dot().counter() > blind.counter(), late.dot() + " after " + blind);
        assertEquals(2, store.get(1, key).versions().size(),
                "the write with the stale context did not supersede the write it never saw");
        Dot untouched = store.coordinate(1, other, store.get(1, other).context(), b("y"), false, "n1", 6)
                .version().dot();
        assertEquals(3, untouched.counter(), "every key counts above the floor (n1:2) once a key was removed");
    }

    @Test
    void withoutARemovedKeyCountersStayPerKey() {
        store.coordinate(1, b("a"), Context.EMPTY, b("1"), false, "n1", 1);
        assertEquals(new Dot("n1", 1), store.coordinate(1, b("b"), Context.EMPTY, b("2"), false, "n1", 2)
                .version().dot());
    }
}
