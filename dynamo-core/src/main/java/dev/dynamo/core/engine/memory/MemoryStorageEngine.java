package dev.dynamo.core.engine.memory;

import dev.dynamo.core.spi.CloseableIterator;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.WriteBatch;
import dev.dynamo.core.spi.support.EngineGuard;
import dev.dynamo.core.spi.support.EngineLabel;
import dev.dynamo.core.spi.support.ScanIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.StampedLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StorageEngine} that keeps one table in a sorted in-memory map. Nothing is
 * written to disk and nothing survives {@link #close()}: it serves tests, simulations and
 * throw-away tables. The data directory of the {@link dev.dynamo.core.spi.EngineContext}
 * is ignored.
 *
 * <p>Point reads and writes go to a hash map; the keys are also kept in a sorted set, ordered
 * by {@link Arrays#compareUnsigned(byte[], byte[])}, for scans. The sorted set changes only
 * when a key appears or disappears, so overwriting a key costs one hash-map update (a skip
 * list lookup chases a pointer per level: it was a quarter of a node's CPU samples under
 * YCSB).
 *
 * <p>Every method is thread-safe. Single-key operations run concurrently; a
 * {@link #write(WriteBatch) batch} excludes them for its duration, so no reader sees half of
 * it. A {@link #scan scan} copies references to its range's entries when it is called (time
 * and memory linear in the size of the range): it never sees half of a batch, but single-key
 * writes made while it copies may or may not be in it. Arrays are copied on the way in and on the way out.
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

    private final EngineLabel label;
    private final ConcurrentHashMap<Key, byte[]> values = new ConcurrentHashMap<>();
    /** The keys of {@link #values}, changed only inside that map's per-key compute. */
    private final ConcurrentSkipListSet<byte[]> keys = new ConcurrentSkipListSet<>(Arrays::compareUnsigned);
    /**
     * Shared by single-key operations and scans, exclusive for batches and close. A stamped
     * lock: a reentrant one keeps per-thread hold counts in a thread-local on every acquire
     * (a few percent of a node's CPU); nothing here acquires it twice. Nothing here throws a
     * failure of a store either, so the guard wraps no exception.
     */
    private final EngineGuard guard;

    /** An empty engine for {@code table} (the name is used in messages only). */
    public MemoryStorageEngine(String table) {
        this.label = EngineLabel.withoutFiles(MemoryStorageEngineProvider.NAME, Objects.requireNonNull(table, "table"));
        this.guard = new EngineGuard(label, new StampedLock().asReadWriteLock(), List.of());
        LOG.debug("{} opened", label.prefix());
    }

    // get, put and delete take the guard's lock directly: a lambda per call cost a third of the
    // engine's gets in EngineBench, and nothing here throws a storage library's exception

    @Override
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        Lock shared = guard.lockOpen();
        try {
            byte[] value = values.get(new Key(key));
            return value == null ? null : value.clone();
        } finally {
            shared.unlock();
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        byte[] k = Objects.requireNonNull(key, "key").clone();
        byte[] v = Objects.requireNonNull(value, "value").clone();
        Lock shared = guard.lockOpen();
        try {
            store(k, v);
        } finally {
            shared.unlock();
        }
    }

    @Override
    public void delete(byte[] key) {
        Objects.requireNonNull(key, "key");
        Lock shared = guard.lockOpen();
        try {
            remove(key);
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
        guard.runExclusive("write a batch to", () -> {
            for (WriteBatch.Op op : ops) {
                if (op.isDelete()) {
                    remove(op.key());
                } else {
                    store(op.key(), op.value());
                }
            }
        });
    }

    @Override
    public CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
        // not guard.openScan: the scan holds nothing to release on close, and the engine should
        // not keep a scan its user forgot to close (and its snapshot) reachable
        return guard.call("scan", () -> {
            // stored arrays are never mutated (puts replace them), so references are a snapshot
            List<Map.Entry<byte[], byte[]>> snapshot = new ArrayList<>();
            for (byte[] k : range(fromInclusive, toExclusive)) {
                byte[] v = values.get(new Key(k));
                if (v != null) { // removed since the key set was read
                    snapshot.add(Map.entry(k, v));
                }
            }
            return new Scan(snapshot);
        });
    }

    /** Under a lock (shared or exclusive); {@code key} and {@code value} are the engine's own copies. */
    private void store(byte[] key, byte[] value) {
        values.compute(new Key(key), (k, old) -> {
            if (old == null) {
                keys.add(k.bytes);
            }
            return value;
        });
    }

    /** Under a lock (shared or exclusive). */
    private void remove(byte[] key) {
        values.computeIfPresent(new Key(key), (k, old) -> {
            keys.remove(k.bytes);
            return null;
        });
    }

    private NavigableSet<byte[]> range(byte[] from, byte[] to) {
        if (from == null && to == null) {
            return keys;
        }
        if (from == null) {
            return keys.headSet(to, false);
        }
        if (to == null) {
            return keys.tailSet(from, true);
        }
        if (Arrays.compareUnsigned(from, to) >= 0) {
            return Collections.emptyNavigableSet();
        }
        return keys.subSet(from, true, to, false);
    }

    /** A key of the hash map: equal by content, its hash computed once. */
    private static final class Key {
        final byte[] bytes;
        private final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** Nothing to make durable: checks only that the engine is open. */
    @Override
    public void sync() {
        guard.run("sync", () -> { });
    }

    /** Drops every entry; idempotent. */
    @Override
    public void close() {
        boolean closedNow = guard.close(() -> {
            values.clear();
            keys.clear();
        });
        if (closedNow) {
            LOG.debug("{} closed", label.prefix());
        }
    }

    /** Iterates over a snapshot of references, copying each array handed out. */
    private final class Scan extends ScanIterator {
        private final Iterator<Map.Entry<byte[], byte[]>> snapshot;

        Scan(List<Map.Entry<byte[], byte[]>> snapshot) {
            super(guard);
            this.snapshot = snapshot.iterator();
        }

        @Override
        protected KeyValue fetchNext() {
            if (!snapshot.hasNext()) {
                return null;
            }
            Map.Entry<byte[], byte[]> e = snapshot.next();
            return new KeyValue(e.getKey().clone(), e.getValue().clone());
        }
    }
}
