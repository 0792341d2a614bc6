package dev.dynamo.storage.mvstore;

import dev.dynamo.core.spi.CloseableIterator;
import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageException;
import dev.dynamo.core.spi.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StorageEngine} on an H2 MVStore: one file, {@code <dataDir>/<table>.mv.db}, holding
 * one map of {@code byte[]} to {@code byte[]} ordered by unsigned bytes. Pure Java and
 * embedded; the default engine.
 *
 * <p>Writes go to memory first and reach the file when the engine commits: every
 * {@code autocommit-delay-ms}, whenever {@code write-buffer-mb} of changes are pending, on
 * {@link #sync()} (which also fsyncs) and on {@link #close()}. A crash loses at most the writes
 * since the last commit, and never part of a batch: MVStore's own auto-commit is off, and this
 * engine commits only between batches, so every version in the file holds whole batches.
 *
 * <p>Thread-safe: single-key operations run concurrently; a batch excludes them (and commits)
 * while it runs, so no reader sees half of it. A {@link #scan scan} iterates over a consistent
 * snapshot of the map taken when it is called, and keeps the file chunks of that snapshot
 * alive until it is closed or exhausted.
 *
 * <p>Properties ({@code engine.mvstore.*} in the table's file):
 * <ul>
 *   <li>{@code cache-size-mb} (default 16): MVStore's read cache of pages, in MiB;</li>
 *   <li>{@code autocommit-delay-ms} (default 1000): the longest time a write stays only in
 *       memory; 0 commits only on {@code sync}, on close and when the write buffer is full;</li>
 *   <li>{@code write-buffer-mb} (default 16): pending changes, in MiB of heap, that make the
 *       writer commit at once.</li>
 * </ul>
 *
 * <pre>{@code
 * EngineContext ctx = new EngineContext("carts", Path.of("/var/lib/dynamo/carts"),
 *         Map.of("cache-size-mb", "64"), Clock.system());
 * try (StorageEngine engine = Plugins.engine("mvstore").open(ctx)) {
 *     engine.put(key, value);
 *     engine.sync();
 * }
 * }</pre>
 */
public final class MvStoreStorageEngine implements StorageEngine {
    private static final Logger LOG = LoggerFactory.getLogger(MvStoreStorageEngine.class);

    /** The name of the one map in the file. */
    private static final String MAP_NAME = "data";
    private static final int MIB = 1 << 20;
    /** Background compaction rewrites chunks whose live share falls below this percentage. */
    private static final int COMPACT_FILL_RATE = 50;
    /** Background compaction writes at most this many bytes per round. */
    private static final int COMPACT_WRITE_BYTES = 4 * MIB;

    private final String table;
    private final Path file;
    private final MVStore store;
    private final MVMap<byte[], byte[]> map;
    private final long writeBufferBytes;
    /** Null when {@code autocommit-delay-ms} is 0. */
    private final ScheduledExecutorService committer;
    /** Shared by single-key operations, scan steps and commits; exclusive for batches and close. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Set<Scan> openScans = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private MvStoreStorageEngine(String table, Path file, MVStore store, MVMap<byte[], byte[]> map,
                                 Settings settings) {
        this.table = table;
        this.file = file;
        this.store = store;
        this.map = map;
        this.writeBufferBytes = (long) settings.writeBufferMb() * MIB;
        if (settings.autocommitDelayMs() > 0) {
            committer = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread t = new Thread(task, "mvstore-commit-" + table);
                t.setDaemon(true);
                return t;
            });
            committer.scheduleWithFixedDelay(this::commitInBackground, settings.autocommitDelayMs(),
                    settings.autocommitDelayMs(), TimeUnit.MILLISECONDS);
        } else {
            committer = null;
        }
    }

    /**
     * Opens (creating if needed) the engine of {@code context.table()} under
     * {@code context.dataDir()}.
     *
     * @throws StorageException         when the directory cannot be created or used, or the
     *                                  file cannot be opened; the message names the path
     * @throws IllegalArgumentException for an unknown or malformed property, naming it
     */
    static MvStoreStorageEngine open(EngineContext context) {
        String table = context.table();
        Settings settings = Settings.parse(table, context.properties());
        Path dir = context.dataDir();
        prepareDirectory(table, dir);
        Path file = dir.resolve(fileNameOf(table) + ".mv.db");
        MVStore store;
        try {
            store = new MVStore.Builder()
                    .fileName(file.toString())
                    .cacheSize(settings.cacheSizeMb())
                    .autoCommitDisabled()
                    .autoCommitBufferSize(0)
                    .open();
        } catch (RuntimeException e) {
            throw new StorageException("mvstore engine for table '" + table + "': cannot open " + file
                    + " (is it in use by another process, or corrupt?): " + e.getMessage(), e);
        }
        MVMap<byte[], byte[]> map;
        try {
            map = store.openMap(MAP_NAME, new MVMap.Builder<byte[], byte[]>()
                    .keyType(UnsignedBytesDataType.INSTANCE)
                    .valueType(UnsignedBytesDataType.INSTANCE));
        } catch (RuntimeException e) {
            store.closeImmediately();
            throw new StorageException("mvstore engine for table '" + table + "': cannot open map '" + MAP_NAME
                    + "' in " + file + ": " + e.getMessage(), e);
        }
        LOG.info("mvstore engine for table '{}' opened {} ({} entries)", table, file, map.sizeAsLong());
        return new MvStoreStorageEngine(table, file, store, map, settings);
    }

    @Override
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
            byte[] value = map.get(key);
            return value == null ? null : value.clone();
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure("get", e);
        } finally {
            shared.unlock();
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        byte[] k = Objects.requireNonNull(key, "key").clone();
        byte[] v = Objects.requireNonNull(value, "value").clone();
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
            map.put(k, v);
            commitIfBufferFull();
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure("put", e);
        } finally {
            shared.unlock();
        }
    }

    @Override
    public void delete(byte[] key) {
        Objects.requireNonNull(key, "key");
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
            map.remove(key);
            commitIfBufferFull();
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure("delete", e);
        } finally {
            shared.unlock();
        }
    }

    /**
     * Applies the batch under the exclusive lock, so that neither readers nor commits see part
     * of it; if an operation fails, the ones already applied are undone before the exception
     * is thrown.
     */
    @Override
    public void write(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch");
        List<WriteBatch.Op> ops = new ArrayList<>(batch.ops().size());
        for (WriteBatch.Op op : batch.ops()) {
            ops.add(new WriteBatch.Op(op.key().clone(), op.isDelete() ? null : op.value().clone()));
        }
        Lock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            ensureOpen();
            List<WriteBatch.Op> undo = new ArrayList<>(ops.size());
            try {
                for (WriteBatch.Op op : ops) {
                    byte[] previous = op.isDelete() ? map.remove(op.key()) : map.put(op.key(), op.value());
                    undo.add(new WriteBatch.Op(op.key(), previous));
                }
            } catch (RuntimeException e) {
                rollBack(undo, e);
                throw failure("write a batch of " + ops.size() + " operations to", e);
            }
        } finally {
            exclusive.unlock();
        }
        Lock shared = lock.readLock();
        shared.lock();
        try {
            if (!closed) {
                commitIfBufferFull();
            }
        } catch (RuntimeException e) {
            throw failure("commit", e);
        } finally {
            shared.unlock();
        }
    }

    private void rollBack(List<WriteBatch.Op> undo, RuntimeException cause) {
        try {
            for (int i = undo.size() - 1; i >= 0; i--) {
                WriteBatch.Op op = undo.get(i);
                if (op.isDelete()) {
                    map.remove(op.key());
                } else {
                    map.put(op.key(), op.value());
                }
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            LOG.error("mvstore engine for table '{}': could not undo a failed batch in {}; closing the engine",
                    table, file, e);
            closed = true;
            if (committer != null) {
                committer.shutdown();
            }
            store.closeImmediately();
        }
    }

    @Override
    public CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
        byte[] from = fromInclusive == null ? null : fromInclusive.clone();
        byte[] to = toExclusive == null ? null : toExclusive.clone();
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
            // register first: the chunks of the version the cursor reads stay in the file
            MVStore.TxCounter usage = store.registerVersionUsage();
            try {
                Scan scan = new Scan(map.cursor(from, null, false), to, usage);
                openScans.add(scan);
                return scan;
            } catch (RuntimeException e) {
                store.deregisterVersionUsage(usage);
                throw e;
            }
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure("scan", e);
        } finally {
            shared.unlock();
        }
    }

    /** Commits pending writes to the file and forces the file to the disk. */
    @Override
    public void sync() {
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
            store.commit();
            store.sync();
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure("sync", e);
        } finally {
            shared.unlock();
        }
    }

    /** Closes open scans, commits and closes the file; idempotent. */
    @Override
    public void close() {
        Lock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (committer != null) {
                committer.shutdown();
            }
            for (Scan scan : openScans) {
                scan.release();
            }
            store.close();
            LOG.info("mvstore engine for table '{}' closed {}", table, file);
        } catch (RuntimeException e) {
            store.closeImmediately();
            throw failure("close", e);
        } finally {
            exclusive.unlock();
        }
    }

    /** Caller holds the shared lock. */
    private void commitIfBufferFull() {
        if (store.getUnsavedMemory() > writeBufferBytes) {
            store.tryCommit();
        }
    }

    private void commitInBackground() {
        Lock shared = lock.readLock();
        shared.lock();
        try {
            if (closed) {
                return;
            }
            if (store.hasUnsavedChanges()) {
                store.commit();
            }
            store.compact(COMPACT_FILL_RATE, COMPACT_WRITE_BYTES);
        } catch (RuntimeException e) {
            LOG.warn("mvstore engine for table '{}': background commit to {} failed", table, file, e);
        } finally {
            shared.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private StorageException closedException() {
        return new StorageException("mvstore engine for table '" + table + "' is closed (" + file + ")");
    }

    private StorageException failure(String what, RuntimeException cause) {
        return new StorageException("mvstore engine for table '" + table + "': cannot " + what + " " + file
                + ": " + cause.getMessage(), cause);
    }

    /** Creates {@code dir} if needed and checks that it is a writable directory. */
    private static void prepareDirectory(String table, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new StorageException("mvstore engine for table '" + table + "': cannot create data directory "
                    + dir + " (" + e + "); point the table at a directory this process can create and write", e);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new StorageException("mvstore engine for table '" + table + "': data directory " + dir
                    + " is not a writable directory");
        }
    }

    /** The table name made safe as a file name: bytes outside [A-Za-z0-9_-] become %XX. */
    static String fileNameOf(String table) {
        if (table.isEmpty()) {
            return "%";
        }
        StringBuilder out = new StringBuilder(table.length());
        for (byte b : table.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /** Iterates over the snapshot a cursor took; one step at a time under the shared lock. */
    private final class Scan implements CloseableIterator<KeyValue> {
        private final Cursor<byte[], byte[]> cursor;
        private final byte[] to;
        private MVStore.TxCounter usage;
        private KeyValue next;
        private boolean exhausted;

        Scan(Cursor<byte[], byte[]> cursor, byte[] to, MVStore.TxCounter usage) {
            this.cursor = cursor;
            this.to = to;
            this.usage = usage;
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                throw closedException();
            }
            if (next != null) {
                return true;
            }
            if (exhausted) {
                return false;
            }
            Lock shared = lock.readLock();
            shared.lock();
            try {
                ensureOpen();
                if (cursor.hasNext()) {
                    byte[] key = cursor.next();
                    if (to == null || Arrays.compareUnsigned(key, to) < 0) {
                        next = new KeyValue(key.clone(), cursor.getValue().clone());
                        return true;
                    }
                }
                release();
                return false;
            } catch (StorageException e) {
                throw e;
            } catch (RuntimeException e) {
                throw failure("scan", e);
            } finally {
                shared.unlock();
            }
        }

        @Override
        public KeyValue next() {
            if (!hasNext()) {
                throw new NoSuchElementException("scan of table '" + table + "' is exhausted or closed");
            }
            KeyValue current = next;
            next = null;
            return current;
        }

        @Override
        public void close() {
            next = null;
            release();
        }

        /** Lets MVStore reuse the snapshot's chunks; idempotent, called by close and the engine. */
        synchronized void release() {
            exhausted = true;
            if (usage != null) {
                store.deregisterVersionUsage(usage);
                usage = null;
                openScans.remove(this);
            }
        }
    }

    /** The parsed {@code engine.mvstore.*} properties. */
    record Settings(int cacheSizeMb, int autocommitDelayMs, int writeBufferMb) {
        static final String CACHE_SIZE_MB = "cache-size-mb";
        static final String AUTOCOMMIT_DELAY_MS = "autocommit-delay-ms";
        static final String WRITE_BUFFER_MB = "write-buffer-mb";
        /** Sorted, for messages. */
        private static final List<String> KNOWN = List.of(AUTOCOMMIT_DELAY_MS, CACHE_SIZE_MB, WRITE_BUFFER_MB);

        static Settings parse(String table, Map<String, String> properties) {
            for (String key : properties.keySet()) {
                if (!KNOWN.contains(key)) {
                    throw new IllegalArgumentException("table '" + table + "': unknown property engine.mvstore."
                            + key + "; known: " + String.join(", ", KNOWN));
                }
            }
            return new Settings(
                    intProperty(table, properties, CACHE_SIZE_MB, 16, 0),
                    intProperty(table, properties, AUTOCOMMIT_DELAY_MS, 1000, 0),
                    intProperty(table, properties, WRITE_BUFFER_MB, 16, 1));
        }

        private static int intProperty(String table, Map<String, String> properties, String key, int defaultValue,
                                       int min) {
            String raw = properties.get(key);
            if (raw == null) {
                return defaultValue;
            }
            try {
                int value = Integer.parseInt(raw.trim());
                if (value >= min) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("table '" + table + "': engine.mvstore." + key + " must be an integer >= "
                    + min + ", was '" + raw + "'");
        }
    }
}
