package dev.dynamo.core.spi;

import java.nio.file.Path;

/**
 * A dumb, ordered byte map holding one table's data on one node. It knows nothing of
 * versions, partitions or replication: the core encodes all of that in keys and values.
 *
 * <p>Caller may assume: keys are ordered by unsigned lexicographic byte order
 * ({@link java.util.Arrays#compareUnsigned(byte[], byte[])}); every method is safe to
 * call from many threads at once; {@link #write(WriteBatch)} is atomic (all or none,
 * and no reader sees half of it); arrays passed in are not retained after the call
 * returns, and arrays returned belong to the caller. After {@link #close()} every
 * method throws {@link StorageException}. The engine's opener (the node) closes it.
 *
 * <pre>{@code
 * try (StorageEngine engine = Plugins.engine("mvstore").open(context)) {
 *     engine.put(key, value);
 *     byte[] v = engine.get(key);
 *     try (CloseableIterator<KeyValue> it = engine.scan(from, to)) {
 *         while (it.hasNext()) process(it.next());
 *     }
 * }
 * }</pre>
 */
public interface StorageEngine extends AutoCloseable {

    /** The value under {@code key}, or null when absent. */
    byte[] get(byte[] key);

    /** Stores {@code value} (possibly empty) under {@code key}, replacing any old value. */
    void put(byte[] key, byte[] value);

    /** Removes {@code key}; absent keys are ignored. */
    void delete(byte[] key);

    /** Applies every operation of {@code batch} atomically, in order. */
    void write(WriteBatch batch);

    /**
     * Entries with {@code fromInclusive <= key < toExclusive} in ascending key order; a null
     * bound is open. The iterator sees a consistent or a live view (engine's choice) and must
     * be closed.
     */
    CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive);

    /** Makes every write that has returned durable (fsync or equivalent). */
    void sync();

    /**
     * Writes a consistent copy of this engine's data, as of one moment, into {@code dest} while
     * the engine keeps serving, with the engine's own online backup (a RocksDB checkpoint, JE's
     * {@code DbBackup}, an MVStore copy of one version). The copy has the layout the engine
     * keeps in its data directory: an engine of the same kind opened on {@code dest}, for the
     * same table, holds the data as of the copy. Writes that returned before the call are in it.
     *
     * <pre>{@code
     * Path dest = Files.createDirectories(Path.of("/backups/2026-12-05/n1/carts"));
     * engine.backup(dest);
     * }</pre>
     *
     * @param dest an existing, empty directory
     * @throws StorageException when the copy fails, or the engine keeps no files to copy (the
     *                          default, e.g. the {@code memory} engine)
     */
    default void backup(Path dest) {
        throw new StorageException("this engine keeps its data in memory only: it has no online backup");
    }

    /** Flushes and releases files and memory; idempotent. */
    @Override
    void close();
}
