package dev.dynamo.storage.bdb;

import com.sleepycat.je.Cursor;
import com.sleepycat.je.CursorConfig;
import com.sleepycat.je.Database;
import com.sleepycat.je.DatabaseConfig;
import com.sleepycat.je.DatabaseEntry;
import com.sleepycat.je.DatabaseException;
import com.sleepycat.je.Durability;
import com.sleepycat.je.Environment;
import com.sleepycat.je.EnvironmentConfig;
import com.sleepycat.je.LockConflictException;
import com.sleepycat.je.LockMode;
import com.sleepycat.je.OperationStatus;
import com.sleepycat.je.Transaction;
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
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StorageEngine} on Berkeley DB Java Edition, the engine of the Dynamo paper: one
 * transactional JE environment per table in {@code <dataDir>/<table>.bdb}, holding one
 * database. JE's default key comparison is unsigned byte-wise, the order the SPI requires.
 *
 * <p>Each write is a JE transaction (a batch is one transaction), committed with the
 * configured {@code durability}: by default the commit is written to the operating system
 * before it returns, so it survives a crash of the process; {@link #sync()} flushes and fsyncs
 * the log so that it also survives a crash of the machine. Readers use read-committed
 * isolation and wait for the locks of a batch being written, so no reader sees half of it.
 * Writes that lose a lock conflict (a deadlock between batches) are retried a few times.
 *
 * <p>Thread-safe. A {@link #scan scan} is a live view: it reads pages of entries with short
 * read-committed cursors, resuming after the last key it returned, so it holds no lock or
 * cursor between calls and may see writes made after it started.
 *
 * <p>Properties ({@code engine.bdb.*} in the table's file):
 * <ul>
 *   <li>{@code cache-percent} (default 20): the JE cache as a percentage of the JVM's
 *       maximum heap;</li>
 *   <li>{@code shared-cache} (default true): share one JE cache among every table of the
 *       JVM that sets it (its size is then that of the first environment opened);</li>
 *   <li>{@code durability} (default {@code write-no-sync}): what a commit waits for:
 *       {@code sync} (fsync), {@code write-no-sync} (written to the OS) or {@code no-sync}
 *       (kept in JE's log buffer until the next flush).</li>
 * </ul>
 *
 * <pre>{@code
 * EngineContext ctx = new EngineContext("carts", Path.of("/var/lib/dynamo/carts"),
 *         Map.of("cache-percent", "30"), Clock.system());
 * try (StorageEngine engine = Plugins.engine("bdb").open(ctx)) {
 *     engine.write(WriteBatch.builder().put(k1, v1).delete(k2).build());
 *     engine.sync();
 * }
 * }</pre>
 */
public final class BdbStorageEngine implements StorageEngine {
    private static final Logger LOG = LoggerFactory.getLogger(BdbStorageEngine.class);

    private static final String DATABASE_NAME = "data";
    /** Attempts of a write that keeps losing lock conflicts before it fails. */
    private static final int WRITE_ATTEMPTS = 10;
    /** A scan reads at most this many entries per page ... */
    private static final int PAGE_ENTRIES = 256;
    /** ... and stops a page once it holds this many bytes. */
    private static final long PAGE_BYTES = 4L << 20;

    private final String table;
    private final Path home;
    private final Environment environment;
    private final Database database;
    /** Shared by every call and scan page; exclusive for close. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private BdbStorageEngine(String table, Path home, Environment environment, Database database) {
        this.table = table;
        this.home = home;
        this.environment = environment;
        this.database = database;
    }

    /**
     * Opens (creating if needed) the environment of {@code context.table()} under
     * {@code context.dataDir()}.
     *
     * @throws StorageException         when the directory cannot be created or used, or JE
     *                                  cannot open it; the message names the path
     * @throws IllegalArgumentException for an unknown or malformed property, naming it
     */
    static BdbStorageEngine open(EngineContext context) {
        String table = context.table();
        Settings settings = Settings.parse(table, context.properties());
        Path dataDir = context.dataDir();
        prepareDirectory(table, dataDir);
        Path home = dataDir.resolve(fileNameOf(table) + ".bdb");
        prepareDirectory(table, home);

        EnvironmentConfig config = new EnvironmentConfig()
                .setAllowCreate(true)
                .setTransactional(true)
                .setSharedCache(settings.sharedCache());
        config.setCachePercent(settings.cachePercent());
        config.setDurability(settings.durability());
        Environment environment;
        try {
            environment = new Environment(home.toFile(), config);
        } catch (DatabaseException | IllegalArgumentException e) {
            throw new StorageException("bdb engine for table '" + table + "': cannot open the environment in " + home
                    + " (is it in use by another process, or corrupt?): " + e.getMessage(), e);
        }
        try {
            Database database = environment.openDatabase(null, DATABASE_NAME,
                    new DatabaseConfig().setAllowCreate(true).setTransactional(true));
            LOG.info("bdb engine for table '{}' opened {}", table, home);
            return new BdbStorageEngine(table, home, environment, database);
        } catch (DatabaseException | IllegalArgumentException | IllegalStateException e) {
            try {
                environment.close();
            } catch (DatabaseException closing) {
                e.addSuppressed(closing);
            }
            throw new StorageException("bdb engine for table '" + table + "': cannot open database '" + DATABASE_NAME
                    + "' in " + home + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        return shared("get", () -> {
            DatabaseEntry value = new DatabaseEntry();
            OperationStatus status = database.get(null, new DatabaseEntry(key), value, LockMode.READ_COMMITTED);
            return status == OperationStatus.SUCCESS ? bytes(value) : null;
        });
    }

    @Override
    public void put(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        shared("put", () -> retryingConflicts(() -> database.put(null, new DatabaseEntry(key), new DatabaseEntry(value))));
    }

    @Override
    public void delete(byte[] key) {
        Objects.requireNonNull(key, "key");
        shared("delete", () -> retryingConflicts(() -> database.delete(null, new DatabaseEntry(key))));
    }

    /** Applies the batch in one transaction, retried if it loses a lock conflict. */
    @Override
    public void write(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch");
        shared("write a batch of " + batch.ops().size() + " operations to", () -> retryingConflicts(() -> {
            Transaction txn = environment.beginTransaction(null, null);
            boolean committed = false;
            try {
                for (WriteBatch.Op op : batch.ops()) {
                    if (op.isDelete()) {
                        database.delete(txn, new DatabaseEntry(op.key()));
                    } else {
                        database.put(txn, new DatabaseEntry(op.key()), new DatabaseEntry(op.value()));
                    }
                }
                txn.commit();
                committed = true;
            } finally {
                if (!committed) {
                    txn.abort();
                }
            }
            return null;
        }));
    }

    @Override
    public CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
        return shared("scan", () -> new Scan(fromInclusive, toExclusive));
    }

    /** Writes JE's log buffers and fsyncs the log. */
    @Override
    public void sync() {
        shared("sync", () -> {
            environment.flushLog(true);
            return null;
        });
    }

    /** Closes the database and the environment (which checkpoints); idempotent. */
    @Override
    public void close() {
        Lock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                database.close();
            } finally {
                environment.close();
            }
            LOG.info("bdb engine for table '{}' closed {}", table, home);
        } catch (DatabaseException | IllegalStateException e) {
            throw failure("close", e);
        } finally {
            exclusive.unlock();
        }
    }

    /** Runs {@code body} under the shared lock on an open engine, wrapping JE's exceptions. */
    private <T> T shared(String what, Supplier<T> body) {
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
            return body.get();
        } catch (DatabaseException | IllegalStateException e) {
            throw failure(what, e);
        } finally {
            shared.unlock();
        }
    }

    private static <T> T retryingConflicts(Supplier<T> write) {
        for (int attempt = 1; ; attempt++) {
            try {
                return write.get();
            } catch (LockConflictException e) {
                if (attempt >= WRITE_ATTEMPTS) {
                    throw e;
                }
                LOG.debug("lock conflict on attempt {}, retrying", attempt, e);
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private StorageException closedException() {
        return new StorageException("bdb engine for table '" + table + "' is closed (" + home + ")");
    }

    private StorageException failure(String what, RuntimeException cause) {
        return new StorageException("bdb engine for table '" + table + "': cannot " + what + " " + home + ": "
                + cause.getMessage(), cause);
    }

    private static byte[] bytes(DatabaseEntry entry) {
        byte[] data = entry.getData();
        if (data == null) {
            return new byte[0];
        }
        if (entry.getOffset() == 0 && entry.getSize() == data.length) {
            return data;
        }
        return Arrays.copyOfRange(data, entry.getOffset(), entry.getOffset() + entry.getSize());
    }

    /** Creates {@code dir} if needed and checks that it is a writable directory. */
    private static void prepareDirectory(String table, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new StorageException("bdb engine for table '" + table + "': cannot create data directory "
                    + dir + " (" + e + "); point the table at a directory this process can create and write", e);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new StorageException("bdb engine for table '" + table + "': data directory " + dir
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
     * A live scan in pages: each page is read by a short read-committed cursor under the
     * shared lock; the next page starts at the successor of the last key returned.
     */
    private final class Scan implements CloseableIterator<KeyValue> {
        private final byte[] to;
        private final ArrayDeque<KeyValue> page = new ArrayDeque<>();
        /** Where the next page starts (inclusive); null once the range is exhausted. */
        private byte[] resumeAt;
        private boolean started;

        Scan(byte[] from, byte[] to) {
            this.to = to == null ? null : to.clone();
            this.resumeAt = from == null ? null : from.clone();
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                throw closedException();
            }
            if (page.isEmpty() && (!started || resumeAt != null)) {
                shared("scan", () -> {
                    readPage();
                    return null;
                });
            }
            return !page.isEmpty();
        }

        @Override
        public KeyValue next() {
            if (!hasNext()) {
                throw new NoSuchElementException("scan of table '" + table + "' is exhausted or closed");
            }
            return page.removeFirst();
        }

        @Override
        public void close() {
            page.clear();
            started = true;
            resumeAt = null;
        }

        /** Caller holds the shared lock. */
        private void readPage() {
            boolean first = !started;
            started = true;
            DatabaseEntry key = new DatabaseEntry();
            DatabaseEntry value = new DatabaseEntry();
            long bytes = 0;
            byte[] last = null;
            try (Cursor cursor = database.openCursor(null, CursorConfig.READ_COMMITTED)) {
                OperationStatus status;
                if (resumeAt == null && first) {
                    status = cursor.getNext(key, value, LockMode.DEFAULT);
                } else {
                    key.setData(resumeAt);
                    status = cursor.getSearchKeyRange(key, value, LockMode.DEFAULT);
                }
                while (status == OperationStatus.SUCCESS) {
                    byte[] k = bytes(key);
                    if (to != null && Arrays.compareUnsigned(k, to) >= 0) {
                        resumeAt = null;
                        return;
                    }
                    byte[] v = bytes(value);
                    page.addLast(new KeyValue(k, v));
                    last = k;
                    bytes += k.length + v.length;
                    if (page.size() >= PAGE_ENTRIES || bytes >= PAGE_BYTES) {
                        // the smallest key after `last` in unsigned order is `last` + 0x00
                        resumeAt = Arrays.copyOf(last, last.length + 1);
                        return;
                    }
                    key = new DatabaseEntry();
                    value = new DatabaseEntry();
                    status = cursor.getNext(key, value, LockMode.DEFAULT);
                }
                resumeAt = null;
            }
        }
    }

    /** The parsed {@code engine.bdb.*} properties. */
    record Settings(int cachePercent, boolean sharedCache, Durability durability) {
        static final String CACHE_PERCENT = "cache-percent";
        static final String SHARED_CACHE = "shared-cache";
        static final String DURABILITY = "durability";
        /** Sorted, for messages. */
        private static final List<String> KNOWN = List.of(CACHE_PERCENT, DURABILITY, SHARED_CACHE);

        static Settings parse(String table, Map<String, String> properties) {
            for (String key : properties.keySet()) {
                if (!KNOWN.contains(key)) {
                    throw new IllegalArgumentException("table '" + table + "': unknown property engine.bdb." + key
                            + "; known: " + String.join(", ", KNOWN));
                }
            }
            return new Settings(cachePercent(table, properties.get(CACHE_PERCENT)),
                    sharedCache(table, properties.get(SHARED_CACHE)),
                    durability(table, properties.get(DURABILITY)));
        }

        private static int cachePercent(String table, String raw) {
            if (raw == null) {
                return 20;
            }
            try {
                int value = Integer.parseInt(raw.trim());
                if (value >= 1 && value <= 90) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("table '" + table + "': engine.bdb." + CACHE_PERCENT
                    + " must be an integer from 1 to 90, was '" + raw + "'");
        }

        private static boolean sharedCache(String table, String raw) {
            if (raw == null) {
                return true;
            }
            return switch (raw.trim()) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("table '" + table + "': engine.bdb." + SHARED_CACHE
                        + " must be true or false, was '" + raw + "'");
            };
        }

        private static Durability durability(String table, String raw) {
            if (raw == null) {
                return Durability.COMMIT_WRITE_NO_SYNC;
            }
            return switch (raw.trim()) {
                case "sync" -> Durability.COMMIT_SYNC;
                case "write-no-sync" -> Durability.COMMIT_WRITE_NO_SYNC;
                case "no-sync" -> Durability.COMMIT_NO_SYNC;
                default -> throw new IllegalArgumentException("table '" + table + "': engine.bdb." + DURABILITY
                        + " must be sync, write-no-sync or no-sync, was '" + raw + "'");
            };
        }
    }
}
