package dev.dynamo.storage.rocksdb;

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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
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

    private final String table;
    private final Path dbDir;
    private final RocksDB db;
    private final Options options;
    private final Cache blockCache;
    private final WriteOptions writeOptions;
    /** Shared by every call and iterator step; exclusive for close, which frees native memory. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Set<Scan> openScans = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private RocksDbStorageEngine(String table, Path dbDir, RocksDB db, Options options, Cache blockCache,
                                 WriteOptions writeOptions) {
        this.table = table;
        this.dbDir = dbDir;
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
        Path dataDir = context.dataDir();
        prepareDirectory(table, dataDir);
        Path dbDir = dataDir.resolve(fileNameOf(table) + ".rocksdb");
        try {
            RocksDB.loadLibrary();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new StorageException("rocksdb engine for table '" + table + "': cannot load the RocksDB native"
                    + " library to open " + dbDir + ": " + e, e);
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
            return new RocksDbStorageEngine(table, dbDir, db, options, blockCache, writeOptions);
        } catch (RocksDBException | RuntimeException e) {
            writeOptions.close();
            options.close();
            blockCache.close();
            throw new StorageException("rocksdb engine for table '" + table + "': cannot open " + dbDir
                    + " (is it in use by another process, or corrupt?): " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
            return db.get(key);
        } catch (RocksDBException e) {
            throw failure("get", e);
        } finally {
            shared.unlock();
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
            db.put(writeOptions, key, value);
        } catch (RocksDBException e) {
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
            db.delete(writeOptions, key);
        } catch (RocksDBException e) {
            throw failure("delete", e);
        } finally {
            shared.unlock();
        }
    }

    @Override
    public void write(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch");
        Lock shared = lock.readLock();
        shared.lock();
        try (org.rocksdb.WriteBatch nativeBatch = new org.rocksdb.WriteBatch()) {
            ensureOpen();
            for (WriteBatch.Op op : batch.ops()) {
                if (op.isDelete()) {
                    nativeBatch.delete(op.key());
                } else {
                    nativeBatch.put(op.key(), op.value());
                }
            }
            db.write(writeOptions, nativeBatch);
        } catch (RocksDBException e) {
            throw failure("write a batch of " + batch.ops().size() + " operations to", e);
        } finally {
            shared.unlock();
        }
    }

    @Override
    public CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
            Scan scan = new Scan(fromInclusive, toExclusive);
            openScans.add(scan);
            return scan;
        } finally {
            shared.unlock();
        }
    }

    /** Flushes the write-ahead log and fsyncs it. */
    @Override
    public void sync() {
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
            db.flushWal(true);
        } catch (RocksDBException e) {
            throw failure("sync", e);
        } finally {
            shared.unlock();
        }
    }

    /** Closes open scans, fsyncs the log, closes the database and frees native memory; idempotent. */
    @Override
    public void close() {
        Lock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Scan scan : openScans) {
                scan.release();
            }
            try {
                db.flushWal(true);
                db.closeE();
            } catch (RocksDBException e) {
                db.close();
                throw failure("close", e);
            } finally {
                writeOptions.close();
                options.close();
                blockCache.close();
            }
            LOG.info("rocksdb engine for table '{}' closed {}", table, dbDir);
        } finally {
            exclusive.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private StorageException closedException() {
        return new StorageException("rocksdb engine for table '" + table + "' is closed (" + dbDir + ")");
    }

    private StorageException failure(String what, RocksDBException cause) {
        return new StorageException("rocksdb engine for table '" + table + "': cannot " + what + " " + dbDir
                + ": " + cause.getMessage(), cause);
    }

    /** Creates {@code dir} if needed and checks that it is a writable directory. */
    private static void prepareDirectory(String table, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new StorageException("rocksdb engine for table '" + table + "': cannot create data directory "
                    + dir + " (" + e + "); point the table at a directory this process can create and write", e);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new StorageException("rocksdb engine for table '" + table + "': data directory " + dir
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

    /**
     * A RocksDB iterator over {@code [from, to)} with its read options and bound; one step at
     * a time under the shared lock, so that it never touches a closed database.
     */
    private final class Scan implements CloseableIterator<KeyValue> {
        private final ReadOptions readOptions;
        private final Slice upperBound;
        private final byte[] to;
        private RocksIterator iterator;
        private KeyValue next;

        /** Caller holds the shared lock. */
        Scan(byte[] from, byte[] to) {
            this.to = to == null ? null : to.clone();
            this.readOptions = new ReadOptions();
            this.upperBound = to == null ? null : new Slice(this.to);
            if (upperBound != null) {
                readOptions.setIterateUpperBound(upperBound);
            }
            this.iterator = db.newIterator(readOptions);
            if (from == null) {
                iterator.seekToFirst();
            } else {
                iterator.seek(from);
            }
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                throw closedException();
            }
            if (next != null) {
                return true;
            }
            Lock shared = lock.readLock();
            shared.lock();
            try {
                ensureOpen();
                synchronized (this) {
                    if (iterator == null) {
                        return false;
                    }
                    if (iterator.isValid()) {
                        byte[] key = iterator.key();
                        if (to == null || Arrays.compareUnsigned(key, to) < 0) {
                            next = new KeyValue(key, iterator.value());
                            iterator.next();
                            return true;
                        }
                    } else {
                        iterator.status();
                    }
                }
                release();
                return false;
            } catch (RocksDBException e) {
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
            Lock shared = lock.readLock();
            shared.lock();
            try {
                release();
            } finally {
                shared.unlock();
            }
        }

        /** Frees the native iterator; idempotent. Caller holds the lock, shared or exclusive. */
        synchronized void release() {
            if (iterator != null) {
                iterator.close();
                iterator = null;
                readOptions.close();
                if (upperBound != null) {
                    upperBound.close();
                }
                openScans.remove(this);
            }
        }
    }

    /** The parsed {@code engine.rocksdb.*} properties. */
    record Settings(long blockCacheMb, long writeBufferMb, boolean syncWrites) {
        static final String BLOCK_CACHE_MB = "block-cache-mb";
        static final String WRITE_BUFFER_MB = "write-buffer-mb";
        static final String SYNC_WRITES = "sync-writes";
        /** Sorted, for messages. */
        private static final List<String> KNOWN = List.of(BLOCK_CACHE_MB, SYNC_WRITES, WRITE_BUFFER_MB);

        static Settings parse(String table, Map<String, String> properties) {
            for (String key : properties.keySet()) {
                if (!KNOWN.contains(key)) {
                    throw new IllegalArgumentException("table '" + table + "': unknown property engine.rocksdb."
                            + key + "; known: " + String.join(", ", KNOWN));
                }
            }
            return new Settings(
                    intProperty(table, properties, BLOCK_CACHE_MB, 32, 0),
                    intProperty(table, properties, WRITE_BUFFER_MB, 64, 1),
                    booleanProperty(table, properties, SYNC_WRITES));
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
            throw new IllegalArgumentException("table '" + table + "': engine.rocksdb." + key
                    + " must be an integer >= " + min + ", was '" + raw + "'");
        }

        private static boolean booleanProperty(String table, Map<String, String> properties, String key) {
            String raw = properties.get(key);
            if (raw == null) {
                return false;
            }
            return switch (raw.trim()) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("table '" + table + "': engine.rocksdb." + key
                        + " must be true or false, was '" + raw + "'");
            };
        }
    }
}
