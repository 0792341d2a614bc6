package dev.dynamo.core.node;

import static dev.dynamo.testing.Utf8.bytes;
import static dev.dynamo.testing.Utf8.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.engine.memory.MemoryStorageEngine;
import dev.dynamo.core.spi.CloseableIterator;
import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.PluginRegistry;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageEngineProvider;
import dev.dynamo.core.spi.StorageException;
import dev.dynamo.core.spi.WriteBatch;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node marks its shutdown clean (so that the next start keeps its write-id name) only once
 * every table synced: a failed sync at shutdown must make the next start take a new actor,
 * or a write lost with the unsynced data could have its dot issued again.
 */
class ShutdownDurabilityTest {
    private static final String T = "t";

    @TempDir
    Path dir;

    @Test
    void aTableThatFailsToSyncAtShutdownMakesTheNextStartUseANewActor() {
        Disk disk = new Disk();
        try (TestCluster c = cluster(disk)) {
            String first = single(actors(c.client("n1").put(T, bytes("a"), Context.EMPTY, bytes("1"))));
            assertTrue(first.startsWith("n1#"), first);

            disk.failSyncOf(T);
            c.stop("n1");
            disk.failSyncOf(null);
            c.restart("n1");

            assertEquals(Set.of("n1#" + (restarts(first) + 1)),
                    actors(c.client("n1").put(T, bytes("b"), Context.EMPTY, bytes("2"))),
                    "the run whose table did not sync at shutdown counts as a crash");
            assertEquals("1", string(c.client("n1").get(T, bytes("a")).value()), "the node and its keys still serve");
        }
    }

    @Test
    void aCleanShutdownKeepsTheActor() {
        Disk disk = new Disk();
        try (TestCluster c = cluster(disk)) {
            Set<String> before = actors(c.client("n1").put(T, bytes("a"), Context.EMPTY, bytes("1")));
            c.stop("n1");
            c.restart("n1");

            assertEquals(before, actors(c.client("n1").put(T, bytes("b"), Context.EMPTY, bytes("2"))));
        }
    }

    @Test
    void aCleanRestartRemembersTheCounterFloorOfPurgedKeys() {
        Disk disk = new Disk();
        try (TestCluster c = cluster(disk)) {
            Context first = c.client("n1").put(T, bytes("a"), Context.EMPTY, bytes("1"));
            String actor = single(actors(first));
            Context deleted = c.client("n1").delete(T, bytes("a"), first);
            DynamoNode n1 = c.node("n1");
            var store = n1.table(T).store();
            int partition = n1.cluster().ring().partitionOf(bytes("a"), n1.table(T).partitioner());
            // what the tombstone purger does once every replica holds the tombstone
            assertEquals(true, store.removeIfUnchanged(partition, bytes("a"), store.get(partition, bytes("a"))));
            c.stop("n1");
            c.restart("n1");

            Context again = c.client("n1").put(T, bytes("a"), Context.EMPTY, bytes("2"));
            long counter = counterOf(again);
            assertEquals(Set.of(actor), actors(again), "a clean restart keeps the actor");
            assertEquals(true, counter > counterOf(deleted),
                    "after a clean restart, the purged key got dot n1:" + counter + " again");
        }
    }

    @Test
    void aNodeWhoseDataDirectoryWasLostNeverReissuesAWriteIdItsPeersHold() {
        Disk disk = new Disk();
        try (TestCluster c = TestCluster.builder().nodes(2).partitions(8).dataDir(dir)
                .nodeOptions(TestCluster.DEFAULT_OPTIONS.withSystemEngine(Disk.NAME))
                .plugins(id -> PluginRegistry.installed().withEngine(disk))
                .table(TableConfig.of(T, 2, 1, 2, Disk.NAME, KeepAllTestReconcilerProvider.NAME)).build()) {
            Context before = c.client("n1").put(T, bytes("k"), Context.EMPTY, bytes("before"));
            String actor = single(actors(before));

            c.stop("n1");
            disk.wipe(c.dataDir("n1"));
            c.restart("n1");

            // a blind write through n1: under its old name its empty replica would have made the
            // dot of "before" again, which n2 would have dropped as already seen
            Context after = c.client("n1").put(T, bytes("k"), Context.EMPTY, bytes("after"));
            assertTrue(!actors(after).contains(actor), "a lost data directory takes a new name, not " + actor);
            assertEquals(Set.of("after", "before"), c.client("n2").get(T, bytes("k")).siblings().stream()
                    .map(v -> string(v.value())).collect(Collectors.toSet()), "both acknowledged writes are kept");
        }
    }

    private TestCluster cluster(Disk disk) {
        return TestCluster.builder().nodes(1).partitions(8).dataDir(dir)
                .nodeOptions(TestCluster.DEFAULT_OPTIONS.withSystemEngine(Disk.NAME))
                .plugins(id -> PluginRegistry.installed().withEngine(disk))
                .table(TableConfig.of(T, 1, 1, 1, Disk.NAME, KeepAllTestReconcilerProvider.NAME))
                .build();
    }

    private static String single(Set<String> actors) {
        assertEquals(1, actors.size(), actors.toString());
        return actors.iterator().next();
    }

    private static long restarts(String actor) {
        return Long.parseLong(actor.substring(actor.indexOf('#') + 1));
    }

    /** The highest counter of n1's actor a context names, in its clock or as an exact event. */
    private static long counterOf(Context c) {
        long max = 0;
        for (var entry : c.clock().entries()) {
            if (entry.node().startsWith("n1")) {
                max = Math.max(max, entry.counter());
            }
        }
        for (Context.Event e : c.events()) {
            if (e.node().startsWith("n1")) {
                max = Math.max(max, e.counter());
            }
        }
        return max;
    }

    /** The actors a blind put's context names: its coordinator's. */
    private static Set<String> actors(Context c) {
        Set<String> out = c.events().stream().map(Context.Event::node).collect(Collectors.toSet());
        c.clock().entries().forEach(e -> out.add(e.node()));
        return out;
    }

    /**
     * Engines whose data outlives the node (one memory engine per data directory, kept across
     * opens, like files on a disk), and whose sync can be made to fail for one table.
     */
    private static final class Disk implements StorageEngineProvider {
        static final String NAME = "test-disk";
        private final Map<Path, MemoryStorageEngine> disks = new HashMap<>();
        private final Set<String> failing = ConcurrentHashMap.newKeySet();

        /** Loses everything under {@code nodeDir}, as a replaced disk would. */
        synchronized void wipe(Path nodeDir) {
            disks.keySet().removeIf(p -> p.startsWith(nodeDir));
        }

        void failSyncOf(String table) {
            failing.clear();
            if (table != null) {
                failing.add(table);
            }
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public synchronized StorageEngine open(EngineContext context) {
            MemoryStorageEngine data = disks.computeIfAbsent(context.dataDir(),
                    d -> new MemoryStorageEngine(context.table()));
            String table = context.table();
            return new StorageEngine() {
                @Override
                public byte[] get(byte[] key) {
                    return data.get(key);
                }

                @Override
                public void put(byte[] key, byte[] value) {
                    data.put(key, value);
                }

                @Override
                public void delete(byte[] key) {
                    data.delete(key);
                }

                @Override
                public void write(WriteBatch batch) {
                    data.write(batch);
                }

                @Override
                public CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
                    return data.scan(fromInclusive, toExclusive);
                }

                @Override
                public void sync() {
                    if (failing.contains(table)) {
                        throw new StorageException("table '" + table + "': the disk refused the fsync");
                    }
                }

                @Override
                public void close() {
                    // the data stays on the "disk" for the next open
                }
            };
        }
    }
}
