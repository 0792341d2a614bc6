package dev.dynamo.storage.rocksdb;

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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.Checkpoint;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StorageEngine} on RocksDB (JNI): one database directory per table,
 * {@code <dataDir>/<table>.rocksdb}, with RocksDB's default bytewise comparator, which orders
 * keys as unsigned bytes.
 *
 * <p>Every write goes to the write-ahead log before it returns, so it survives a crash of the
 * process; {@link #sync()} fsyncs the log so that it also survives a crash of the machine (or
 * set {@code sync-writes=true} to fsync on every write). A batch is one RocksDB
 * {@code WriteBatch}: atomic on disk and for readers. A {@link #scan scan} reads a consistent
 * snapshot taken when it is called.
 *
 * <p>Thread-safe: RocksDB serves concurrent calls; a shared lock only keeps calls and open
 * iterators from racing with {@link #close()}, which frees native memory. Closing the engine
 * closes the iterators still open.
 *
 * <p>Properties ({@code engine.rocksdb.*} in the table's file):
 * <ul>
 *   <li>{@code block-cache-mb} (default 32): the LRU cache of uncompressed blocks, in MiB;</li>
 *   <li>{@code write-buffer-mb} (default 64): the size of one memtable, in MiB;</li>
 *   <li>{@code sync-writes} (default false): fsync the log on every write.</li>
 * </ul>
 *
 * <pre>{@code
 * EngineContext ctx = new EngineContext("carts", Path.of("/var/lib/dynamo/carts"),
 *         Map.of("block-cache-mb", "256"), Clock.system());
 * try (StorageEngine engine = Plugins.engine("rocksdb").open(ctx)) {
 *     engine.write(WriteBatch.builder().put(k1, v1).delete(k2).build());
 *     engine.sync();
 * }
 * }</pre>
 */
public final class RocksDbStorageEngine implements StorageEngine {
    private static final Logger LOG = LoggerFactory.getLogger(RocksDbStorageEngine.class);
    private static final long MIB = 1L << 20;

    private final EngineLabel label;
    private final RocksDB db;
    private final Options options;
    private final Cache blockCache;
    private final WriteOptions writeOptions;
    /**
     * Shared by every call and iterator step; exclusive for close, which frees native memory.
     * RocksDB reports failures as the checked RocksDBException only, which the guard always wraps.
     */
    private final EngineGuard guard;

    private RocksDbStorageEngine(EngineLabel label, RocksDB db, Options options, Cache blockCache,
                                 WriteOptions writeOptions) {
        this.label = label;
        this.guard = new EngineGuard(label, List.of());
        this.db = db;
        this.options = options;
        this.blockCache = blockCache;
        this.writeOptions = writeOptions;
    }

    /**
     * Opens (creating if needed) the database of {@code context.table()} under
     * {@code context.dataDir()}.
     *
     * @throws StorageException         when the directory cannot be created or used, or RocksDB
     *                                  cannot open it; the message names the path
     * @throws IllegalArgumentException for an unknown or malformed property, naming it
     */
    static RocksDbStorageEngine open(EngineContext context) {
        String table = context.table();
        Settings settings = Settings.parse(table, context.properties());
        Path dbDir = TableFileName.in(context.dataDir(), table, ".rocksdb");
        EngineLabel label = new EngineLabel(RocksDbStorageEngineProvider.NAME, table, dbDir);
        DataDirectory.prepare(label, context.dataDir());
        try {
            RocksDB.loadLibrary();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw label.error("cannot load the RocksDB native library to open " + dbDir + ": " + e, e);
        }
        Cache blockCache = new LRUCache(settings.blockCacheMb() * MIB);
        Options options = new Options()
                .setCreateIfMissing(true)
                .setWriteBufferSize(settings.writeBufferMb() * MIB)
                .setKeepLogFileNum(5)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache));
        WriteOptions writeOptions = new WriteOptions().setSync(settings.syncWrites());
        try {
            RocksDB db = RocksDB.open(options, dbDir.toString());
            LOG.info("rocksdb engine for table '{}' opened {}", table, dbDir);
            return new RocksDbStorageEngine(label, db, options, blockCache, writeOptions);
        } catch (RocksDBException | RuntimeException e) {
            writeOptions.close();
            options.close();
            blockCache.close();
            throw label.error("cannot open " + dbDir + " (is it in use by another process, or corrupt?): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        return guard.call("get", () -> db.get(key));
    }

    @Override
    public void put(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        guard.run("put", () -> db.put(writeOptions, key, value));
    }

    @Override
    public void delete(byte[] key) {
        Objects.requireNonNull(key, "key");
        guard.run("delete", () -> db.delete(writeOptions, key));
    }

    @Override
    public void write(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch");
        guard.run("write a batch of " + batch.ops().size() + " operations to", () -> {
            try (org.rocksdb.WriteBatch nativeBatch = new org.rocksdb.WriteBatch()) {
                for (WriteBatch.Op op : batch.ops()) {
                    if (op.isDelete()) {
                        nativeBatch.delete(op.key());
                    } else {
                        nativeBatch.put(op.key(), op.value());
                    }
                }
                db.write(writeOptions, nativeBatch);
            }
        });
    }

    @Override
    public CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
        KeyRange range = KeyRange.of(fromInclusive, toExclusive);
        return guard.openScan(() -> new Scan(range));
    }

    /** Flushes the write-ahead log and fsyncs it. */
    @Override
    public void sync() {
        guard.run("sync", () -> db.flushWal(true));
    }

    /**
     * A RocksDB checkpoint in {@code dest/<table>.rocksdb}: the memtable is flushed, then the
     * live SST files are hard-linked (copied across file systems) with the manifest, so the
     * copy is one consistent point in time taken while writes go on.
     */
    @Override
    public void backup(Path dest) {
        Path target = TableFileName.in(dest, label.table(), ".rocksdb");
        guard.run("back up to " + target + " from", () -> {
            try (Checkpoint checkpoint = Checkpoint.create(db)) {
                checkpoint.createCheckpoint(target.toString());
            }
        });
        LOG.info("{} checkpoint written to {}", label.prefix(), target);
    }

    /** Closes open scans, fsyncs the log, closes the database and frees native memory; idempotent. */
    @Override
    public void close() {
        boolean closedNow = guard.close(() -> {
            try {
                db.flushWal(true);
                db.closeE();
            } catch (RocksDBException e) {
                db.close();
                throw e;
            } finally {
                writeOptions.close();
                options.close();
                blockCache.close();
            }
        });
        if (closedNow) {
            LOG.info("{} closed {}", label.prefix(), label.location());
        }
    }

    /** A RocksDB iterator over the range with its read options and bound, stepped under the shared lock. */
    private final class Scan extends ScanIterator {
        private final KeyRange range;
        private final ReadOptions readOptions;
        private final Slice upperBound;
        private final RocksIterator iterator;

        /** Caller holds the shared lock. */
        Scan(KeyRange range) {
            super(guard);
            this.range = range;
            this.readOptions = new ReadOptions();
            byte[] to = range.to();
            this.upperBound = to == null ? null : new Slice(to);
            if (upperBound != null) {
                readOptions.setIterateUpperBound(upperBound);
            }
            this.iterator = db.newIterator(readOptions);
            byte[] from = range.from();
            if (from == null) {
                iterator.seekToFirst();
            } else {
                iterator.seek(from);
            }
        }

        @Override
        protected KeyValue fetchNext() throws RocksDBException {
            if (!iterator.isValid()) {
                iterator.status(); // throws if the iterator stopped on an error rather than at the end
                return null;
            }
            byte[] key = iterator.key();
            if (range.isPastEnd(key)) {
                return null;
            }
            KeyValue entry = new KeyValue(key, iterator.value());
            iterator.next();
            return entry;
        }

        /** Frees the native iterator, its options and its bound. */
        @Override
        protected void release() {
            iterator.close();
            readOptions.close();
            if (upperBound != null) {
                upperBound.close();
            }
        }
    }

    /** The parsed {@code engine.rocksdb.*} properties. */
    record Settings(long blockCacheMb, long writeBufferMb, boolean syncWrites) {
        static final String BLOCK_CACHE_MB = "block-cache-mb";
        static final String WRITE_BUFFER_MB = "write-buffer-mb";
        static final String SYNC_WRITES = "sync-writes";

        static Settings parse(String table, Map<String, String> properties) {
            EngineProperties p = EngineProperties.parse(RocksDbStorageEngineProvider.NAME, table, properties,
                    List.of(BLOCK_CACHE_MB, SYNC_WRITES, WRITE_BUFFER_MB));
            return new Settings(
                    p.intAtLeast(BLOCK_CACHE_MB, 32, 0),
                    p.intAtLeast(WRITE_BUFFER_MB, 64, 1),
                    p.bool(SYNC_WRITES, false));
        }
    }
}
