package dev.dynamo.testing.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.CloseableIterator;
import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageException;
import dev.dynamo.core.spi.WriteBatch;
import dev.dynamo.core.time.Clock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link StorageEngine} owes: get/put/delete, atomic ordered batches, range scans
 * in unsigned byte order with inclusive/exclusive/open bounds, empty and large values,
 * binary keys, defensive copies, persistence across close and reopen, concurrent writers,
 * {@code sync}, failures after close and on a bad data directory, idempotent close. An engine
 * is done when its subclass is green, unchanged.
 *
 * <p>A subclass says how to open an engine on a data directory; the contract opens a fresh
 * one per test on an empty directory, reopens on the same directory to test persistence, and
 * closes everything it opened. Engines that keep nothing on disk override
 * {@link #persistent()}; the tests that depend on it then assert the non-persistent
 * behaviour instead (reopening gives an empty store, the data directory is not used).
 *
 * <p>Where the SPI leaves room, the contract pins down: a scan with {@code from >= to} is
 * empty; an empty value is a value, not an absent key; a scan may be a snapshot or a live
 * view, but never fails, loses or reorders keys because of concurrent writes; after
 * {@code close()} every method, and every step of an iterator opened before, throws a
 * {@link StorageException} whose message says "closed" and names the table; a persistent
 * engine creates missing data directories, and fails to open with a {@link StorageException}
 * naming the path when its data directory cannot be created or is a regular file.
 *
 * <pre>{@code
 * class MvStoreStorageEngineTest extends StorageEngineContractTest {
 *     protected StorageEngine open(Path dataDir) {
 *         return Plugins.engine("mvstore").open(context(dataDir));
 *     }
 * }
 * }</pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class StorageEngineContractTest {

    /** The table name every engine of this suite is opened for. */
    protected static final String TABLE = "contract";

    /** The bound for anything a test waits for. */
    private static final long WAIT_SECONDS = 30;

    @TempDir
    protected Path tempDir;

    /** The engine under test, open on {@link #dataDir} before each test. */
    protected StorageEngine engine;

    /** A directory that did not exist before the engine was opened on it. */
    protected Path dataDir;

    private final List<StorageEngine> opened = new ArrayList<>();

    /**
     * Opens (creating if needed) an engine for table {@link #TABLE} on {@code dataDir}.
     * Called again with the same directory after {@code close()} to reopen it.
     */
    protected abstract StorageEngine open(Path dataDir);

    /**
     * Whether data survives close and reopen, and the engine uses its data directory. When
     * false, the contract asserts instead that a reopened engine is empty and that a
     * directory that cannot be created does not stop the engine from opening.
     */
    protected boolean persistent() {
        return true;
    }

    /**
     * Whether {@link StorageEngine#backup} copies the data (by default, when the engine is
     * persistent). When false, the contract asserts that a backup fails with a
     * {@link StorageException} instead of writing an empty or partial copy.
     */
    protected boolean onlineBackup() {
        return persistent();
    }

    /** The context {@link #open} should use: table {@link #TABLE}, no properties, system clock. */
    protected EngineContext context(Path dataDir) {
        return context(dataDir, Map.of());
    }

    /** Like {@link #context(Path)}, with engine properties. */
    protected EngineContext context(Path dataDir, Map<String, String> properties) {
        return new EngineContext(TABLE, dataDir, properties, Clock.system());
    }

    @BeforeEach
    void openEngine() {
        dataDir = tempDir.resolve("engine-data");
        engine = openTracked(dataDir);
    }

    @AfterEach
    void closeEngines() {
        RuntimeException failure = null;
        for (StorageEngine e : opened) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                if (failure == null) {
                    failure = ex;
                }
            }
        }
        opened.clear();
        if (failure != null) {
            throw failure;
        }
    }

    // ---------------------------------------------------------------- get, put, delete

    @Test
    void getReturnsWhatPutStored() {
        engine.put(k("apple"), v("red"));
        engine.put(k("banana"), v("yellow"));

        assertBytes(v("red"), engine.get(k("apple")));
        assertBytes(v("yellow"), engine.get(k("banana")));
    }

    @Test
    void getOfAbsentKeyReturnsNull() {
        assertNull(engine.get(k("missing")), "empty engine");

        engine.put(k("ab"), v("1"));

        assertNull(engine.get(k("a")), "a prefix of a stored key");
        assertNull(engine.get(k("abc")), "an extension of a stored key");
        assertNull(engine.get(bytes('a', 'b', 0x00)), "a stored key followed by 0x00");
        assertNull(engine.get(k("b")), "another key");
    }

    @Test
    void deleteRemovesOnlyThatKeyAndIgnoresAbsentKeys() {
        engine.put(k("a"), v("1"));
        engine.put(k("b"), v("2"));

        engine.delete(k("a"));
        engine.delete(k("a"));
        engine.delete(k("never-stored"));

        assertNull(engine.get(k("a")));
        assertBytes(v("2"), engine.get(k("b")));
        assertEquals(List.of("b=2"), entries(scanAll(null, null)));
    }

    @Test
    void putReplacesTheOldValueEntirely() {
        engine.put(k("key"), v("a long first value"));
        engine.put(k("key"), v("short"));

        assertBytes(v("short"), engine.get(k("key")));
        assertEquals(List.of("key=short"), entries(scanAll(null, null)));
    }

    @Test
    void deletedKeyCanBeStoredAgain() {
        engine.put(k("k"), v("1"));
        engine.delete(k("k"));
        engine.put(k("k"), v("2"));

        assertBytes(v("2"), engine.get(k("k")));
    }

    // ---------------------------------------------------------------- batches

    @Test
    void batchAppliesPutsAndDeletesTogetherInOrder() {
        engine.put(k("deleted"), v("old"));
        engine.put(k("replaced"), v("old"));
        engine.put(k("kept"), v("old"));

        engine.write(WriteBatch.builder()
                .put(k("new"), v("1"))
                .delete(k("deleted"))
                .put(k("replaced"), v("2"))
                .put(k("put-then-deleted"), v("3"))
                .delete(k("put-then-deleted"))
                .delete(k("deleted-then-put"))
                .put(k("deleted-then-put"), v("4"))
                .put(k("twice"), v("5"))
                .put(k("twice"), v("6"))
                .delete(k("absent"))
                .build());

        assertEquals(List.of("deleted-then-put=4", "kept=old", "new=1", "replaced=2", "twice=6"),
                entries(scanAll(null, null)));
        assertNull(engine.get(k("deleted")));
        assertNull(engine.get(k("put-then-deleted")));
    }

    @Test
    void emptyBatchChangesNothing() {
        engine.put(k("a"), v("1"));

        engine.write(WriteBatch.builder().build());

        assertEquals(List.of("a=1"), entries(scanAll(null, null)));
    }

    /**
     * Each batch writes {@code second} then {@code first} with the same rising number. A reader
     * that reads {@code second} then {@code first} must never find {@code first} behind: that
     * would mean it saw the half of a batch in which {@code second} was already written and
     * {@code first} not yet.
     */
    @Test
    void readersNeverSeeHalfABatch() throws Exception {
        byte[] first = k("atomic-1");
        byte[] second = k("atomic-2");
        engine.write(WriteBatch.builder().put(second, number(0)).put(first, number(0)).build());
        int batches = 1_000;
        AtomicBoolean writerDone = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?> writer = pool.submit(() -> {
                try {
                    for (long i = 1; i <= batches; i++) {
                        engine.write(WriteBatch.builder().put(second, number(i)).put(first, number(i)).build());
                    }
                } finally {
                    writerDone.set(true);
                }
                return null;
            });
            List<Future<String>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    long reads = 0;
                    while (!writerDone.get()) {
                        long s = number(engine.get(second));
                        long f = number(engine.get(first));
                        reads++;
                        if (f < s) {
                            return "read second=" + s + " then first=" + f + ": half a batch was visible";
                        }
                    }
                    return "ok after " + reads + " reads";
                }));
            }
            writer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            for (Future<String> reader : readers) {
                String outcome = reader.get(WAIT_SECONDS, TimeUnit.SECONDS);
                assertTrue(outcome.startsWith("ok"), outcome);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(batches, number(engine.get(first)));
        assertEquals(batches, number(engine.get(second)));
    }

    // ---------------------------------------------------------------- scans

    /** Keys whose order differs between signed and unsigned byte comparison. */
    private static final List<byte[]> ORDERED_KEYS = List.of(
            bytes(0x00),
            bytes(0x00, 0x00),
            bytes(0x00, 0xFF),
            bytes(0x01),
            bytes(0x7F),
            bytes(0x7F, 0xFF),
            bytes(0x80),
            bytes(0x80, 0x00),
            bytes(0x80, 0x01),
            bytes(0xC0, 0x7F),
            bytes(0xFE),
            bytes(0xFF),
            bytes(0xFF, 0x00),
            bytes(0xFF, 0xFF),
            bytes(0xFF, 0xFF, 0xFF));

    private void putOrderedKeysShuffled() {
        List<byte[]> shuffled = new ArrayList<>(ORDERED_KEYS);
        Collections.shuffle(shuffled, new Random(7));
        for (byte[] key : shuffled) {
            engine.put(key, valueOf(key));
        }
    }

    @Test
    void scanReturnsEveryEntryInUnsignedByteOrder() {
        putOrderedKeysShuffled();

        List<KeyValue> all = scanAll(null, null);

        assertEquals(hexes(ORDERED_KEYS), hexes(keys(all)));
        for (KeyValue kv : all) {
            assertBytes(valueOf(kv.key()), kv.value());
        }
    }

    @Test
    void scanIncludesFromAndExcludesTo() {
        putOrderedKeysShuffled();

        assertEquals(hexes(List.of(bytes(0x7F), bytes(0x7F, 0xFF), bytes(0x80), bytes(0x80, 0x00),
                        bytes(0x80, 0x01), bytes(0xC0, 0x7F), bytes(0xFE))),
                hexes(keys(scanAll(bytes(0x7F), bytes(0xFF)))), "[7f, ff)");
        assertEquals(hexes(List.of(bytes(0x80), bytes(0x80, 0x00))),
                hexes(keys(scanAll(bytes(0x80), bytes(0x80, 0x01)))), "[80, 80 01)");
        assertEquals(hexes(List.of(bytes(0x80), bytes(0x80, 0x00), bytes(0x80, 0x01), bytes(0xC0, 0x7F))),
                hexes(keys(scanAll(bytes(0x7F, 0xFF, 0x00), bytes(0xC0, 0x80)))), "bounds between keys");
    }

    @Test
    void scanWithANullBoundIsOpenOnThatSide() {
        putOrderedKeysShuffled();

        assertEquals(hexes(List.of(bytes(0x00), bytes(0x00, 0x00), bytes(0x00, 0xFF), bytes(0x01))),
                hexes(keys(scanAll(null, bytes(0x7F)))), "(open, 7f)");
        assertEquals(hexes(List.of(bytes(0xFF), bytes(0xFF, 0x00), bytes(0xFF, 0xFF), bytes(0xFF, 0xFF, 0xFF))),
                hexes(keys(scanAll(bytes(0xFF), null))), "[ff, open)");
        assertEquals(hexes(List.of(bytes(0xFF, 0xFF, 0xFF))),
                hexes(keys(scanAll(bytes(0xFF, 0xFF, 0x00), null))), "[ff ff 00, open)");
    }

    @Test
    void scanOfAnEmptyRangeIsEmpty() {
        putOrderedKeysShuffled();

        assertEquals(List.of(), hexes(keys(scanAll(bytes(0x80), bytes(0x80)))), "from == to");
        assertEquals(List.of(), hexes(keys(scanAll(bytes(0xFE), bytes(0x80)))), "from > to");
        assertEquals(List.of(), hexes(keys(scanAll(bytes(0x02), bytes(0x7F)))), "no key in [02, 7f)");
        assertEquals(List.of(), hexes(keys(scanAll(null, bytes(0x00)))), "nothing before 00");
        engine.write(WriteBatch.builder().delete(bytes(0x00)).delete(bytes(0x00, 0x00)).build());
        assertEquals(List.of(), hexes(keys(scanAll(null, bytes(0x00, 0xFF)))), "deleted keys are not scanned");
    }

    @Test
    void scanOfAPartitionPrefixStaysInsideIt() {
        for (int partition = 0; partition < 4; partition++) {
            for (int i = 0; i < 5; i++) {
                engine.put(ByteBuffer.allocate(5).putInt(partition).put((byte) (i * 60)).array(), v("p" + partition));
            }
        }
        byte[] from = ByteBuffer.allocate(4).putInt(2).array();
        byte[] to = ByteBuffer.allocate(4).putInt(3).array();

        List<KeyValue> partition2 = scanAll(from, to);

        assertEquals(5, partition2.size(), () -> entries(partition2).toString());
        for (KeyValue kv : partition2) {
            assertBytes(v("p2"), kv.value());
        }
    }

    @Test
    void scanIteratorFollowsTheIteratorContract() {
        engine.put(k("a"), v("1"));
        engine.put(k("b"), v("2"));

        try (CloseableIterator<KeyValue> it = engine.scan(null, null)) {
            assertTrue(it.hasNext());
            assertTrue(it.hasNext(), "hasNext twice must not skip an entry");
            assertBytes(k("a"), it.next().key());
            assertBytes(k("b"), it.next().key());
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
        }
        CloseableIterator<KeyValue> abandoned = engine.scan(null, null);
        assertTrue(abandoned.hasNext());
        abandoned.close();
        abandoned.close();

        engine.put(k("c"), v("3"));
        assertEquals(List.of("a=1", "b=2", "c=3"), entries(scanAll(null, null)),
                "the engine keeps working after an iterator is closed early");
    }

    /**
     * A scan runs while another thread writes keys into its range: it must neither fail nor
     * lose or reorder keys that existed all along (whether it sees the new ones is the
     * engine's choice).
     */
    @Test
    void scanToleratesConcurrentWrites() throws Exception {
        int n = 2_000;
        for (int i = 0; i < n; i += 2) {
            engine.put(number(i), v("even"));
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            List<Long> seen = new ArrayList<>();
            try (CloseableIterator<KeyValue> it = engine.scan(null, null)) {
                for (int i = 0; i < 10 && it.hasNext(); i++) {
                    seen.add(number(it.next().key()));
                }
                Future<?> writer = pool.submit(() -> {
                    for (int i = 1; i < n; i += 2) {
                        engine.put(number(i), v("odd"));
                    }
                    return null;
                });
                while (it.hasNext()) {
                    seen.add(number(it.next().key()));
                }
                writer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i - 1) < seen.get(i), "not ascending at " + i + ": " + seen.get(i - 1)
                        + " then " + seen.get(i));
            }
            Set<Long> seenSet = new HashSet<>(seen);
            for (long i = 0; i < n; i += 2) {
                assertTrue(seenSet.contains(i), "scan lost key " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(n, scanAll(null, null).size());
    }

    // ---------------------------------------------------------------- values and keys

    @Test
    void emptyValueIsStoredAndDiffersFromAbsent() {
        engine.put(k("empty"), new byte[0]);
        engine.write(WriteBatch.builder().put(k("empty-in-batch"), new byte[0]).build());

        byte[] value = engine.get(k("empty"));
        assertNotNull(value, "an empty value is a value, not an absent key");
        assertEquals(0, value.length);
        assertNotNull(engine.get(k("empty-in-batch")));
        assertEquals(0, engine.get(k("empty-in-batch")).length);
        assertEquals(List.of("empty=", "empty-in-batch="), entries(scanAll(null, null)));
    }

    @Test
    void oneMebibyteValueRoundTrips() {
        byte[] big = new byte[1 << 20];
        new Random(42).nextBytes(big);

        engine.put(k("big"), big);
        engine.put(k("small"), v("s"));

        assertBytes(big, engine.get(k("big")));
        List<KeyValue> all = scanAll(null, null);
        assertEquals(2, all.size());
        assertBytes(big, all.get(0).value());

        engine.put(k("big"), v("now small"));
        assertBytes(v("now small"), engine.get(k("big")));
    }

    @Test
    void everyOneByteKeyIsDistinctAndOrderedUnsigned() {
        List<byte[]> keys = new ArrayList<>();
        for (int b = 255; b >= 0; b--) {
            byte[] key = bytes(b);
            keys.add(0, key);
            engine.put(key, bytes(255 - b, b));
        }

        for (int b = 0; b < 256; b++) {
            assertBytes(bytes(255 - b, b), engine.get(bytes(b)));
        }
        assertEquals(hexes(keys), hexes(keys(scanAll(null, null))));
    }

    @Test
    void keysWithZeroAndFfBytesAreDistinct() {
        List<byte[]> keys = List.of(bytes(0x00), bytes(0x00, 0x00), bytes(0x00, 0x00, 0x00), bytes(0xFF),
                bytes(0xFF, 0xFF), bytes('a', 0x00, 'b'), bytes('a', 0xFF, 'b'), bytes('a'), bytes('a', 0x00));
        for (byte[] key : keys) {
            engine.put(key, valueOf(key));
        }

        for (byte[] key : keys) {
            assertBytes(valueOf(key), engine.get(key));
        }
        engine.delete(bytes(0x00, 0x00));
        assertNull(engine.get(bytes(0x00, 0x00)));
        assertBytes(valueOf(bytes(0x00)), engine.get(bytes(0x00)));
        assertBytes(valueOf(bytes(0x00, 0x00, 0x00)), engine.get(bytes(0x00, 0x00, 0x00)));
        assertEquals(keys.size() - 1, scanAll(null, null).size());
    }

    @Test
    void arraysAreCopiedInAndOut() {
        byte[] key = k("key");
        byte[] value = v("value");
        engine.put(key, value);
        key[0] = 'X';
        value[0] = 'X';

        assertBytes(v("value"), engine.get(k("key")), "caller changed the arrays it passed to put");
        assertNull(engine.get(key));

        byte[] got = engine.get(k("key"));
        got[0] = 'Y';
        assertBytes(v("value"), engine.get(k("key")), "caller changed the array get returned");

        byte[] batchKey = k("batch");
        byte[] batchValue = v("b");
        WriteBatch batch = WriteBatch.builder().put(batchKey, batchValue).build();
        engine.write(batch);
        batchKey[0] = 'X';
        batchValue[0] = 'X';
        assertBytes(v("b"), engine.get(k("batch")), "caller changed the arrays of a written batch");

        try (CloseableIterator<KeyValue> it = engine.scan(null, null)) {
            KeyValue first = it.next();
            first.key()[0] = 'Z';
            first.value()[0] = 'Z';
        }
        assertEquals(List.of("batch=b", "key=value"), entries(scanAll(null, null)),
                "caller changed the arrays a scan returned");
    }

    // ---------------------------------------------------------------- durability

    @Test
    void anOnlineBackupHoldsTheDataAsOfTheCopyWhileTheEngineServes() throws IOException {
        byte[] big = new byte[1 << 20];
        new Random(2).nextBytes(big);
        engine.put(k("a"), v("1"));
        engine.put(k("b"), v("2"));
        engine.put(k("big"), big);
        engine.write(WriteBatch.builder().put(k("c"), v("3")).delete(k("b")).build());
        Path backupDir = Files.createDirectories(tempDir.resolve("backup"));
        if (!onlineBackup()) {
            StorageException e = assertThrows(StorageException.class, () -> engine.backup(backupDir));
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "the refusal says why");
            assertBytes(v("1"), engine.get(k("a")), "a refused backup leaves the engine serving");
            return;
        }
        engine.backup(backupDir);
        // after the copy: neither of these may show in it
        engine.put(k("d"), v("4"));
        engine.delete(k("a"));
        assertEquals(List.of("big", "c", "d"), keyStrings(scanAll(null, null)), "the engine serves on");

        StorageEngine restored = openTracked(backupDir);
        assertEquals(List.of("a", "big", "c"), keyStrings(scanAll(restored, null, null)));
        assertBytes(v("1"), restored.get(k("a")));
        assertNull(restored.get(k("b")), "a delete before the backup stays deleted");
        assertBytes(big, restored.get(k("big")));
        assertNull(restored.get(k("d")), "a write after the backup is not in it");
    }

    @Test
    void dataSurvivesCloseAndReopen() {
        byte[] big = new byte[1 << 20];
        new Random(1).nextBytes(big);
        engine.put(k("a"), v("1"));
        engine.put(k("b"), v("2"));
        engine.put(k("big"), big);
        engine.put(k("empty"), new byte[0]);
        engine.write(WriteBatch.builder().put(k("c"), v("3")).delete(k("b")).build());
        engine.close();

        StorageEngine reopened = openTracked(dataDir);

        if (!persistent()) {
            assertEquals(List.of(), scanAll(reopened, null, null), "a non-persistent engine reopens empty");
            assertNull(reopened.get(k("a")));
            return;
        }
        assertBytes(v("1"), reopened.get(k("a")));
        assertNull(reopened.get(k("b")), "a delete must survive reopen");
        assertBytes(v("3"), reopened.get(k("c")));
        assertBytes(big, reopened.get(k("big")));
        assertBytes(new byte[0], reopened.get(k("empty")));
        assertEquals(List.of("a", "big", "c", "empty"), keyStrings(scanAll(reopened, null, null)));

        reopened.put(k("d"), v("4"));
        reopened.delete(k("a"));
        reopened.close();
        StorageEngine again = openTracked(dataDir);
        assertEquals(List.of("big", "c", "d", "empty"), keyStrings(scanAll(again, null, null)),
                "writes made after a reopen survive the next one");
    }

    @Test
    void syncSucceedsAndKeepsData() {
        engine.sync();
        engine.put(k("a"), v("1"));
        engine.write(WriteBatch.builder().put(k("b"), v("2")).build());
        engine.sync();
        engine.delete(k("a"));
        engine.sync();
        engine.sync();

        assertEquals(List.of("b=2"), entries(scanAll(null, null)));
        engine.close();
        StorageEngine reopened = openTracked(dataDir);
        assertEquals(persistent() ? List.of("b=2") : List.of(), entries(scanAll(reopened, null, null)));
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        int threads = 8;
        int keysPerThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (int i = 0; i < keysPerThread; i++) {
                        if (i % 10 == 9) {
                            engine.write(WriteBatch.builder()
                                    .put(writerKey(thread, i), writerValue(thread, i))
                                    .put(k("shared-" + thread), writerValue(thread, i))
                                    .build());
                        } else {
                            engine.put(writerKey(thread, i), writerValue(thread, i));
                        }
                        if (i % 50 == 0) {
                            engine.get(writerKey((thread + 1) % threads, i));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> writer : writers) {
                writer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < keysPerThread; i++) {
                assertBytes(writerValue(t, i), engine.get(writerKey(t, i)), "thread " + t + " key " + i);
            }
            assertBytes(writerValue(t, keysPerThread - 1), engine.get(k("shared-" + t)));
        }
        assertEquals(threads * keysPerThread + threads, scanAll(null, null).size());
    }

    private static byte[] writerKey(int thread, int i) {
        return k(String.format("w%02d-%05d", thread, i));
    }

    private static byte[] writerValue(int thread, int i) {
        return v("value of " + thread + "/" + i);
    }

    // ---------------------------------------------------------------- close and errors

    @Test
    void everyMethodFailsAfterCloseNamingTheTable() {
        engine.put(k("a"), v("1"));
        engine.close();

        assertClosed(() -> engine.get(k("a")));
        assertClosed(() -> engine.put(k("b"), v("2")));
        assertClosed(() -> engine.delete(k("a")));
        assertClosed(() -> engine.write(WriteBatch.builder().put(k("c"), v("3")).build()));
        assertClosed(() -> engine.scan(null, null));
        assertClosed(engine::sync);
    }

    @Test
    void openIteratorFailsAfterEngineClose() {
        engine.put(k("a"), v("1"));
        engine.put(k("b"), v("2"));
        CloseableIterator<KeyValue> it = engine.scan(null, null);
        it.next();

        engine.close();

        assertClosed(() -> {
            it.hasNext();
            it.next();
        });
        it.close();
    }

    @Test
    void closeIsIdempotent() {
        engine.put(k("a"), v("1"));

        engine.close();
        engine.close();

        assertClosed(() -> engine.get(k("a")));
    }

    @Test
    void openCreatesMissingDataDirectories() {
        Path nested = tempDir.resolve("a").resolve("b").resolve("c");

        StorageEngine created = openTracked(nested);
        created.put(k("a"), v("1"));

        assertBytes(v("1"), created.get(k("a")));
        if (persistent()) {
            assertTrue(Files.isDirectory(nested), "the engine must create its data directory " + nested);
        }
    }

    /** The parent of the data directory is a regular file, so the directory cannot be created. */
    @Test
    void openFailsNamingThePathWhenTheDataDirCannotBeCreated() throws IOException {
        Path file = Files.writeString(tempDir.resolve("regular-file"), "not a directory");
        Path impossible = file.resolve("data");

        assertOpenFailsNaming(impossible);
    }

    @Test
    void openFailsNamingThePathWhenTheDataDirIsARegularFile() throws IOException {
        Path file = Files.writeString(tempDir.resolve("regular-file"), "not a directory");

        assertOpenFailsNaming(file);
    }

    private void assertOpenFailsNaming(Path badDir) {
        if (!persistent()) {
            StorageEngine ignoringDir = openTracked(badDir);
            ignoringDir.put(k("a"), v("1"));
            assertBytes(v("1"), ignoringDir.get(k("a")), "a non-persistent engine ignores its data directory");
            return;
        }
        StorageException e = assertThrows(StorageException.class, () -> openTracked(badDir));
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains(badDir.toString()),
                "the message must name the path " + badDir + ": " + e.getMessage());
    }

    private static void assertClosed(Executable call) {
        StorageException e = assertThrows(StorageException.class, call, "use after close");
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains("closed") && e.getMessage().contains("'" + TABLE + "'"),
                "the message must say the engine of table '" + TABLE + "' is closed: " + e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    /** Opens an engine that the contract closes after the test. */
    protected StorageEngine openTracked(Path dir) {
        StorageEngine e = open(dir);
        assertNotNull(e, "open returned null");
        opened.add(e);
        return e;
    }

    private List<KeyValue> scanAll(byte[] from, byte[] to) {
        return scanAll(engine, from, to);
    }

    private static List<KeyValue> scanAll(StorageEngine e, byte[] from, byte[] to) {
        List<KeyValue> out = new ArrayList<>();
        try (CloseableIterator<KeyValue> it = e.scan(from, to)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    private static void assertBytes(byte[] expected, byte[] actual) {
        assertBytes(expected, actual, null);
    }

    private static void assertBytes(byte[] expected, byte[] actual, String message) {
        assertNotNull(actual, () -> (message == null ? "" : message + ": ") + "expected a value, got null");
        if (expected.length > 64 || actual.length > 64) {
            assertEquals(expected.length, actual.length, message);
            assertArrayEquals(expected, actual, message);
        } else {
            assertEquals(hex(expected), hex(actual), message);
        }
    }

    /** A key from text. */
    protected static byte[] k(String s) {
        return s.getBytes(UTF_8);
    }

    /** A value from text. */
    protected static byte[] v(String s) {
        return s.getBytes(UTF_8);
    }

    /** Bytes from unsigned ints 0..255. */
    protected static byte[] bytes(int... unsigned) {
        byte[] out = new byte[unsigned.length];
        for (int i = 0; i < unsigned.length; i++) {
            if (unsigned[i] < 0 || unsigned[i] > 255) {
                throw new IllegalArgumentException("not a byte: " + unsigned[i]);
            }
            out[i] = (byte) unsigned[i];
        }
        return out;
    }

    private static byte[] valueOf(byte[] key) {
        return v("v" + hex(key));
    }

    private static byte[] number(long n) {
        return ByteBuffer.allocate(Long.BYTES).putLong(n).array();
    }

    private static long number(byte[] bytes) {
        assertNotNull(bytes, "expected a number, got null");
        assertEquals(Long.BYTES, bytes.length, "a number is 8 bytes");
        return ByteBuffer.wrap(bytes).getLong();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }

    private static List<String> hexes(List<byte[]> keys) {
        return keys.stream().map(StorageEngineContractTest::hex).collect(Collectors.toList());
    }

    private static List<byte[]> keys(List<KeyValue> entries) {
        return entries.stream().map(KeyValue::key).collect(Collectors.toList());
    }

    private static List<String> keyStrings(List<KeyValue> entries) {
        return entries.stream().map(kv -> new String(kv.key(), UTF_8)).collect(Collectors.toList());
    }

    private static List<String> entries(List<KeyValue> entries) {
        return entries.stream().map(kv -> new String(kv.key(), UTF_8) + "=" + new String(kv.value(), UTF_8))
                .collect(Collectors.toList());
    }
}
