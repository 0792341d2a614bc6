package dev.dynamo.core.engine.memory;

import dev.dynamo.core.spi.CloseableIterator;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageException;
import dev.dynamo.core.spi.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StorageEngine} that keeps one table in a sorted in-memory map. Nothing is
 * written to disk and nothing survives {@link #close()}: it serves tests, simulations and
 * throw-away tables. The data directory of the {@link dev.dynamo.core.spi.EngineContext}
 * is ignored.
 *
 * <p>Keys are ordered by {@link Arrays#compareUnsigned(byte[], byte[])}. Every method is
 * thread-safe. Single-key operations run concurrently; a {@link #write(WriteBatch) batch}
 * excludes them for its duration, so no reader sees half of it. A {@link #scan scan} sees a
 * consistent snapshot of its range taken when it is called (it copies references to the
 * range's entries, so it costs time and memory linear in the size of the range). Arrays are
 * copied on the way in and on the way out.
 *
 * <pre>{@code
 * EngineContext ctx = new EngineContext("carts", dataDir, Map.of(), Clock.system());
 * try (StorageEngine engine = Plugins.engine("memory").open(ctx)) {
 *     engine.put(key, value);
 *     byte[] v = engine.get(key);
 * }
 * }</pre>
 */
public final class MemoryStorageEngine implements StorageEngine {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryStorageEngine.class);

    private final String table;
    private final ConcurrentSkipListMap<byte[], byte[]> entries =
            new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    /** Shared by single-key operations and scans, exclusive for batches and close. */
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** An empty engine for {@code table} (the name is used in messages only). */
    public MemoryStorageEngine(String table) {
        this.table = Objects.requireNonNull(table, "table");
        LOG.debug("memory engine for table '{}' opened", table);
    }

    @Override
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
            byte[] value = entries.get(key);
            return value == null ? null : value.clone();
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
            entries.put(k, v);
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
            entries.remove(key);
        } finally {
            shared.unlock();
        }
    }

    @Override
    public void write(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch");
        // copy before locking: the batch then cannot fail half-way for lack of memory
        List<WriteBatch.Op> ops = new ArrayList<>(batch.ops().size());
        for (WriteBatch.Op op : batch.ops()) {
            ops.add(new WriteBatch.Op(op.key().clone(), op.isDelete() ? null : op.value().clone()));
        }
        Lock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            ensureOpen();
            for (WriteBatch.Op op : ops) {
                if (op.isDelete()) {
                    entries.remove(op.key());
                } else {
                    entries.put(op.key(), op.value());
                }
            }
        } finally {
            exclusive.unlock();
        }
    }

    @Override
    public CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
            // stored arrays are never mutated (puts replace them), so references are a snapshot
            return new Scan(new ArrayList<>(range(fromInclusive, toExclusive).entrySet()));
        } finally {
            shared.unlock();
        }
    }

    private NavigableMap<byte[], byte[]> range(byte[] from, byte[] to) {
        if (from == null && to == null) {
            return entries;
        }
        if (from == null) {
            return entries.headMap(to, false);
        }
        if (to == null) {
            return entries.tailMap(from, true);
        }
        if (Arrays.compareUnsigned(from, to) >= 0) {
            return new ConcurrentSkipListMap<>();
        }
        return entries.subMap(from, true, to, false);
    }

    /** Nothing to make durable: checks only that the engine is open. */
    @Override
    public void sync() {
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
        } finally {
            shared.unlock();
        }
    }

    /** Drops every entry; idempotent. */
    @Override
    public void close() {
        Lock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            entries.clear();
            LOG.debug("memory engine for table '{}' closed", table);
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
        return new StorageException("memory engine for table '" + table + "' is closed");
    }

    /** Iterates over a snapshot of references, copying each array handed out. */
    private final class Scan implements CloseableIterator<KeyValue> {
        private final Iterator<Map.Entry<byte[], byte[]>> snapshot;
        private boolean scanClosed;

        Scan(List<Map.Entry<byte[], byte[]>> snapshot) {
            this.snapshot = snapshot.iterator();
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                throw closedException();
            }
            return !scanClosed && snapshot.hasNext();
        }

        @Override
        public KeyValue next() {
            if (!hasNext()) {
                throw new NoSuchElementException("scan of table '" + table + "' is exhausted or closed");
            }
            Map.Entry<byte[], byte[]> e = snapshot.next();
            return new KeyValue(e.getKey().clone(), e.getValue().clone());
        }

        @Override
        public void close() {
            scanClosed = true;
        }
    }
}
