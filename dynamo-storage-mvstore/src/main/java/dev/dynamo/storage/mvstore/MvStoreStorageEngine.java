package dev.dynamo.storage.mvstore;

import dev.dynamo.core.spi.CloseableIterator;
import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageException;
import dev.dynamo.core.spi.WriteBatch;
import dev.dynamo.core.spi.support.DataDirectory;
import dev.dynamo.core.spi.support.EngineGuard;
import dev.dynamo.core.spi.support.EngineLabel;
import dev.dynamo.core.spi.support.EngineProperties;
import dev.dynamo.core.spi.support.KeyRange;
import dev.dynamo.core.spi.support.ScanIterator;
import dev.dynamo.core.spi.support.TableFileName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    /** A backup commits its copy every this many bytes of keys and values. */
    private static final long BACKUP_COMMIT_BYTES = 8L << 20;

    private final EngineLabel label;
    private final MVStore store;
    private final MVMap<byte[], byte[]> map;
    private final long writeBufferBytes;
    /** Null when {@code autocommit-delay-ms} is 0. */
    private final ScheduledExecutorService committer;
    /**
     * Shared by single-key operations, scan steps and commits; exclusive for batches and close.
     * MVStore throws unchecked exceptions of many classes, all of them failures of the store.
     */
    private final EngineGuard guard;

    private MvStoreStorageEngine(EngineLabel label, MVStore store, MVMap<byte[], byte[]> map, Settings settings) {
        this.label = label;
        this.guard = new EngineGuard(label, List.of(RuntimeException.class));
        this.store = store;
        this.map = map;
        this.writeBufferBytes = (long) settings.writeBufferMb() * MIB;
        if (settings.autocommitDelayMs() > 0) {
            committer = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread t = new Thread(task, "mvstore-commit-" + label.table());
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
        Path file = TableFileName.in(context.dataDir(), table, ".mv.db");
        EngineLabel label = new EngineLabel(MvStoreStorageEngineProvider.NAME, table, file);
        DataDirectory.prepare(label, context.dataDir());
        MVStore store;
        try {
            store = new MVStore.Builder()
                    .fileName(file.toString())
                    .cacheSize(settings.cacheSizeMb())
                    .autoCommitDisabled()
                    .autoCommitBufferSize(0)
                    .open();
        } catch (RuntimeException e) {
            throw label.error("cannot open " + file + " (is it in use by another process, or corrupt?): "
                    + e.getMessage(), e);
        }
        MVMap<byte[], byte[]> map;
        try {
            map = store.openMap(MAP_NAME, new MVMap.Builder<byte[], byte[]>()
                    .keyType(UnsignedBytesDataType.INSTANCE)
                    .valueType(UnsignedBytesDataType.INSTANCE));
        } catch (RuntimeException e) {
            store.closeImmediately();
            throw label.error("cannot open map '" + MAP_NAME + "' in " + file + ": " + e.getMessage(), e);
        }
        LOG.info("mvstore engine for table '{}' opened {} ({} entries)", table, file, map.sizeAsLong());
        return new MvStoreStorageEngine(label, store, map, settings);
    }

    @Override
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        return guard.call("get", () -> {
            byte[] value = map.get(key);
            return value == null ? null : value.clone();
        });
    }

    @Override
    public void put(byte[] key, byte[] value) {
        byte[] k = Objects.requireNonNull(key, "key").clone();
        byte[] v = Objects.requireNonNull(value, "value").clone();
        guard.run("put", () -> {
            map.put(k, v);
            commitIfBufferFull();
        });
    }

    @Override
    public void delete(byte[] key) {
        Objects.requireNonNull(key, "key");
        guard.run("delete", () -> {
            map.remove(key);
            commitIfBufferFull();
        });
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
        guard.runExclusive("write a batch of " + ops.size() + " operations to", () -> {
            List<WriteBatch.Op> undo = new ArrayList<>(ops.size());
            try {
                for (WriteBatch.Op op : ops) {
                    byte[] previous = op.isDelete() ? map.remove(op.key()) : map.put(op.key(), op.value());
                    undo.add(new WriteBatch.Op(op.key(), previous));
                }
            } catch (RuntimeException e) {
                rollBack(undo, e);
                throw e;
            }
        });
        // the batch is in: a close that slipped in since has committed it, so there is nothing to fail
        guard.runIfOpen("commit", this::commitIfBufferFull);
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
            LOG.error("{}: could not undo a failed batch in {}; closing the engine", label.prefix(),
                    label.location(), e);
            guard.markClosed();
            if (committer != null) {
                committer.shutdown();
            }
            store.closeImmediately();
        }
    }

    @Override
    public CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
        KeyRange range = KeyRange.of(fromInclusive, toExclusive);
        return guard.openScan(() -> {
            // register first: the chunks of the version the cursor reads stay in the file
            MVStore.TxCounter usage = store.registerVersionUsage();
            try {
                return new Scan(map.cursor(range.from(), null, false), range, usage);
            } catch (RuntimeException e) {
                store.deregisterVersionUsage(usage);
                throw e;
            }
        });
    }

    /**
     * An MVStore copy of one version into {@code dest/<table>.mv.db}: a cursor reads the map's
     * root as of the call (writes after it do not show, and the version's chunks stay in the
     * file while it is read), and a new store is written from it, committed every few MiB
     * so a large table does not sit in memory.
     */
    @Override
    public void backup(Path dest) {
        Path target = TableFileName.in(dest, label.table(), ".mv.db");
        guard.run("back up to " + target + " from", () -> {
            MVStore.TxCounter usage = store.registerVersionUsage();
            MVStore copy = new MVStore.Builder().fileName(target.toString()).autoCommitDisabled().open();
            try {
                MVMap<byte[], byte[]> into = copy.openMap(MAP_NAME, new MVMap.Builder<byte[], byte[]>()
                        .keyType(UnsignedBytesDataType.INSTANCE)
                        .valueType(UnsignedBytesDataType.INSTANCE));
                Cursor<byte[], byte[]> cursor = map.cursor(null);
                long pending = 0;
                while (cursor.hasNext()) {
                    byte[] key = cursor.next();
                    byte[] value = cursor.getValue();
                    into.put(key, value);
                    pending += key.length + value.length;
                    if (pending >= BACKUP_COMMIT_BYTES) {
                        copy.commit();
                        pending = 0;
                    }
                }
                copy.commit();
                copy.sync();
            } finally {
                copy.close();
                store.deregisterVersionUsage(usage);
            }
        });
        LOG.info("{} backup written to {}", label.prefix(), target);
    }

    /** Commits pending writes to the file and forces the file to the disk. */
    @Override
    public void sync() {
        guard.run("sync", () -> {
            store.commit();
            store.sync();
        });
    }

    /** Closes open scans, commits and closes the file; idempotent. */
    @Override
    public void close() {
        boolean closedNow = guard.close(() -> {
            try {
                if (committer != null) {
                    committer.shutdown();
                }
                store.close();
            } catch (RuntimeException e) {
                store.closeImmediately();
                throw e;
            }
        });
        if (closedNow) {
            LOG.info("{} closed {}", label.prefix(), label.location());
        }
    }

    /** Caller holds the shared lock. */
    private void commitIfBufferFull() {
        if (store.getUnsavedMemory() > writeBufferBytes) {
            store.tryCommit();
        }
    }

    private void commitInBackground() {
        try {
            guard.runIfOpen("commit in the background to", () -> {
                if (store.hasUnsavedChanges()) {
                    store.commit();
                }
                store.compact(COMPACT_FILL_RATE, COMPACT_WRITE_BYTES);
            });
        } catch (RuntimeException e) {
            // logged, not thrown: an exception would cancel the schedule, and the next round may succeed
            LOG.warn("{}: background commit to {} failed", label.prefix(), label.location(), e);
        }
    }

    /** Iterates over the snapshot a cursor took, one step at a time under the shared lock. */
    private final class Scan extends ScanIterator {
        private final Cursor<byte[], byte[]> cursor;
        private final KeyRange range;
        private final MVStore.TxCounter usage;

        Scan(Cursor<byte[], byte[]> cursor, KeyRange range, MVStore.TxCounter usage) {
            super(guard);
            this.cursor = cursor;
            this.range = range;
            this.usage = usage;
        }

        @Override
        protected KeyValue fetchNext() {
            if (cursor.hasNext()) {
                byte[] key = cursor.next();
                if (!range.isPastEnd(key)) {
                    return new KeyValue(key.clone(), cursor.getValue().clone());
                }
            }
            return null;
        }

        /** Lets MVStore reuse the snapshot's chunks. */
        @Override
        protected void release() {
            store.deregisterVersionUsage(usage);
        }
    }

    /** The parsed {@code engine.mvstore.*} properties. */
    record Settings(int cacheSizeMb, int autocommitDelayMs, int writeBufferMb) {
        static final String CACHE_SIZE_MB = "cache-size-mb";
        static final String AUTOCOMMIT_DELAY_MS = "autocommit-delay-ms";
        static final String WRITE_BUFFER_MB = "write-buffer-mb";

        static Settings parse(String table, Map<String, String> properties) {
            EngineProperties p = EngineProperties.parse(MvStoreStorageEngineProvider.NAME, table, properties,
                    List.of(AUTOCOMMIT_DELAY_MS, CACHE_SIZE_MB, WRITE_BUFFER_MB));
            return new Settings(
                    p.intAtLeast(CACHE_SIZE_MB, 16, 0),
                    p.intAtLeast(AUTOCOMMIT_DELAY_MS, 1000, 0),
                    p.intAtLeast(WRITE_BUFFER_MB, 16, 1));
        }
    }
}
