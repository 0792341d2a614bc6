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
import com.sleepycat.je.util.DbBackup;
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
import dev.dynamo.core.spi.support.PagedScan;
import dev.dynamo.core.spi.support.TableFileName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    /** A scan page holds at most 256 entries or 4 MiB, so a cursor is never open for long. */
    private static final PagedScan.Limits PAGE = new PagedScan.Limits(256, 4L << 20);

    private final EngineLabel label;
    private final Environment environment;
    private final Database database;
    /** Shared by every call and scan page; exclusive for close. */
    private final EngineGuard guard;

    private BdbStorageEngine(EngineLabel label, Environment environment, Database database) {
        this.label = label;
        this.environment = environment;
        this.database = database;
        this.guard = new EngineGuard(label, List.of(DatabaseException.class, IllegalStateException.class));
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
        Path home = TableFileName.in(context.dataDir(), table, ".bdb");
        EngineLabel label = new EngineLabel(BdbStorageEngineProvider.NAME, table, home);
        DataDirectory.prepare(label, context.dataDir());
        DataDirectory.prepare(label, home);

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
            throw label.error("cannot open the environment in " + home
                    + " (is it in use by another process, or corrupt?): " + e.getMessage(), e);
        }
        try {
            Database database = environment.openDatabase(null, DATABASE_NAME,
                    new DatabaseConfig().setAllowCreate(true).setTransactional(true));
            LOG.info("bdb engine for table '{}' opened {}", table, home);
            return new BdbStorageEngine(label, environment, database);
        } catch (DatabaseException | IllegalArgumentException | IllegalStateException e) {
            try {
                environment.close();
            } catch (DatabaseException closing) {
                e.addSuppressed(closing);
            }
            throw label.error("cannot open database '" + DATABASE_NAME + "' in " + home + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        return guard.call("get", () -> {
            DatabaseEntry value = new DatabaseEntry();
            OperationStatus status = database.get(null, new DatabaseEntry(key), value, LockMode.READ_COMMITTED);
            return status == OperationStatus.SUCCESS ? bytes(value) : null;
        });
    }

    @Override
    public void put(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        guard.run("put", () -> retryingConflicts(() -> database.put(null, new DatabaseEntry(key),
                new DatabaseEntry(value))));
    }

    @Override
    public void delete(byte[] key) {
        Objects.requireNonNull(key, "key");
        guard.run("delete", () -> retryingConflicts(() -> database.delete(null, new DatabaseEntry(key))));
    }

    /** Applies the batch in one transaction, retried if it loses a lock conflict. */
    @Override
    public void write(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch");
        guard.run("write a batch of " + batch.ops().size() + " operations to", () -> retryingConflicts(() -> {
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
        KeyRange range = KeyRange.of(fromInclusive, toExclusive);
        return guard.openScan(() -> new Scan(range));
    }

    /**
     * JE's online backup ({@code DbBackup}) into {@code dest/<table>.bdb}: the log files of one
     * consistent set are copied while JE keeps writing to newer files and its cleaner leaves
     * the set alone until the copy ends.
     */
    @Override
    public void backup(Path dest) {
        Path target = TableFileName.in(dest, label.table(), ".bdb");
        guard.run("back up to " + target + " from", () -> {
            Files.createDirectories(target);
            DbBackup backup = new DbBackup(environment);
            backup.startBackup();
            try {
                for (String file : backup.getLogFilesInBackupSet()) {
                    Files.copy(label.location().resolve(file), target.resolve(file));
                }
            } finally {
                backup.endBackup();
            }
        });
        LOG.info("{} backup written to {}", label.prefix(), target);
    }

    /** Writes JE's log buffers and fsyncs the log. */
    @Override
    public void sync() {
        guard.run("sync", () -> environment.flushLog(true));
    }

    /** Closes the database and the environment (which checkpoints); idempotent. */
    @Override
    public void close() {
        boolean closedNow = guard.close(() -> {
            try {
                database.close();
            } finally {
                environment.close();
            }
        });
        if (closedNow) {
            LOG.info("{} closed {}", label.prefix(), label.location());
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

    /** A live scan in pages, each read by a short read-committed cursor. */
    private final class Scan extends PagedScan {

        Scan(KeyRange range) {
            super(guard, range, PAGE);
        }

        @Override
        protected void readPage(byte[] start, Page page) {
            DatabaseEntry key = new DatabaseEntry();
            DatabaseEntry value = new DatabaseEntry();
            try (Cursor cursor = database.openCursor(null, CursorConfig.READ_COMMITTED)) {
                OperationStatus status;
                if (start == null) {
                    status = cursor.getNext(key, value, LockMode.DEFAULT);
                } else {
                    key.setData(start);
                    status = cursor.getSearchKeyRange(key, value, LockMode.DEFAULT);
                }
                while (status == OperationStatus.SUCCESS && page.add(bytes(key), bytes(value))) {
                    // fresh entries: the page keeps the arrays of the last ones
                    key = new DatabaseEntry();
                    value = new DatabaseEntry();
                    status = cursor.getNext(key, value, LockMode.DEFAULT);
                }
            }
        }
    }

    /** The parsed {@code engine.bdb.*} properties. */
    record Settings(int cachePercent, boolean sharedCache, Durability durability) {
        static final String CACHE_PERCENT = "cache-percent";
        static final String SHARED_CACHE = "shared-cache";
        static final String DURABILITY = "durability";

        static Settings parse(String table, Map<String, String> properties) {
            EngineProperties p = EngineProperties.parse(BdbStorageEngineProvider.NAME, table, properties,
                    List.of(CACHE_PERCENT, DURABILITY, SHARED_CACHE));
            return new Settings(p.intInRange(CACHE_PERCENT, 20, 1, 90),
                    p.bool(SHARED_CACHE, true),
                    p.oneOf(DURABILITY, Durability.COMMIT_WRITE_NO_SYNC,
                            Map.entry("sync", Durability.COMMIT_SYNC),
                            Map.entry("write-no-sync", Durability.COMMIT_WRITE_NO_SYNC),
                            Map.entry("no-sync", Durability.COMMIT_NO_SYNC)));
        }
    }
}
