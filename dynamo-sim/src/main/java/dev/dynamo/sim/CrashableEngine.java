package dev.dynamo.sim;

import dev.dynamo.core.spi.CloseableIterator;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageException;
import dev.dynamo.core.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A storage engine that can crash the way a process does: what was written since the last
 * {@link #sync()} is lost, what was synced survives. It wraps a real engine (H2 MVStore in
 * the simulation) and keeps an undo log of every key changed since the last sync; a
 * {@link #crash()} rolls those keys back to their synced values and closes the real engine,
 * so the next incarnation of the node reopens exactly the durable state from the data
 * directory.
 *
 * <p>Durability is modelled here rather than left to the file system, because the
 * simulation never kills its own JVM: {@link #sync()} marks everything written so far as
 * durable without an fsync (which would only slow the simulation down; the real engines'
 * own durability is what the engine contract tests check). The simulation calls
 * {@link #sync()} periodically as well, standing in for MVStore's auto-commit
 * ({@code autocommit-delay-ms}, one second by default).
 *
 * <p>Every value stored is also reported to the {@link VersionLedger}, which learns from
 * it each version that ever existed on each node; a crash reports what it discarded.
 *
 * <p>Thread-safe (every method is synchronized); the simulation uses it from one thread.
 *
 * <pre>{@code
 * CrashableEngine e = new CrashableEngine("t", mvstore, diskOrNull);
 * e.put(k, v1);
 * e.sync();
 * e.put(k, v2);
 * e.crash();          // the file now holds v1 for k; every later call fails
 * }</pre>
 */
public final class CrashableEngine implements StorageEngine {

    /** A key a crash rolled back: its value before the crash and the durable one it went back to (null: absent). */
    public record Rollback(byte[] key, byte[] lost, byte[] restored) {
    }

    private final String table;
    private final StorageEngine delegate;
    private final SimDisk disk;
    private final boolean ownsDelegate;
    /** Key (wrapped copy) to its value at the last sync, null when it was absent then; insertion order. */
    private final Map<ByteBuffer, byte[]> undo = new LinkedHashMap<>();
    /**
     * Keys whose writes a failed sync should have made durable: Linux marks the pages clean
     * after a failed writeback, so a later fsync succeeds without writing them. They stay in
     * {@link #undo} (a crash rolls them back) until the key is written again.
     */
    private final Set<ByteBuffer> poisoned = new HashSet<>();
    private boolean crashed;
    private boolean closed;

    /** @param disk the node's storage in a simulation, which learns what is stored and lost; null: report nothing */
    public CrashableEngine(String table, StorageEngine delegate, SimDisk disk) {
        this(table, delegate, disk, true);
    }

    /**
     * @param ownsDelegate false when {@code delegate} outlives this engine: a memory engine
     *                     standing in for the node's disk, handed to the next incarnation
     */
    public CrashableEngine(String table, StorageEngine delegate, SimDisk disk, boolean ownsDelegate) {
        this.ownsDelegate = ownsDelegate;
        this.table = Objects.requireNonNull(table, "table");
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.disk = disk;
    }

    public String table() {
        return table;
    }

    @Override
    public synchronized byte[] get(byte[] key) {
        ensureUsable();
        return delegate.get(key);
    }

    @Override
    public synchronized void put(byte[] key, byte[] value) {
        ensureUsable();
        ensureSpace();
        remember(key);
        delegate.put(key, value);
        report(key, value);
    }

    @Override
    public synchronized void delete(byte[] key) {
        ensureUsable();
        ensureSpace();
        remember(key);
        byte[] before = delegate.get(key);
        delegate.delete(key);
        if (disk != null && before != null) {
            disk.ledger().removed(disk.node(), table, key, before, disk.trueMillis());
        }
    }

    @Override
    public synchronized void write(WriteBatch batch) {
        ensureUsable();
        ensureSpace();
        for (WriteBatch.Op op : batch.ops()) {
            remember(op.key());
        }
        delegate.write(batch);
        for (WriteBatch.Op op : batch.ops()) {
            if (!op.isDelete()) {
                report(op.key(), op.value());
            }
        }
    }

    @Override
    public synchronized CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
        ensureUsable();
        return delegate.scan(fromInclusive, toExclusive);
    }

    /**
     * Everything written so far becomes durable: a later crash keeps it. A no-op once crashed.
     * While the node's fsync is broken ({@link SimDisk#syncFails()}) it throws instead, and
     * the keys it should have covered stay volatile even through later successful syncs,
     * until each is written again.
     */
    @Override
    public synchronized void sync() {
        if (crashed) {
            return; // the dead node's own shutdown path calls this; it must not resurrect anything
        }
        ensureUsable();
        if (disk != null && disk.syncFails()) {
            poisoned.addAll(undo.keySet());
            throw new StorageException("engine of table '" + table + "' on " + disk.node()
                    + ": fsync failed: input/output error");
        }
        for (Iterator<Map.Entry<ByteBuffer, byte[]>> it = undo.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ByteBuffer, byte[]> e = it.next();
            if (!poisoned.contains(e.getKey())) {
                it.remove();
                if (disk != null) {
                    byte[] key = e.getKey().array();
                    byte[] now = delegate.get(key);
                    if (now != null) {
                        disk.ledger().durable(disk.node(), table, key, now);
                    }
                }
            }
        }
    }

    /** Keys written since the last sync (what a crash now would roll back). */
    public synchronized int unsyncedKeys() {
        return undo.size();
    }

    /**
     * Crashes: rolls every key written since the last sync back to its synced value, closes
     * the real engine (which then holds only durable state) and fails every later call.
     *
     * @return the keys rolled back, in the order they were first written since the sync
     */
    public synchronized List<Rollback> crash() {
        if (crashed || closed) {
            return List.of();
        }
        List<Rollback> out = new ArrayList<>(undo.size());
        for (Map.Entry<ByteBuffer, byte[]> e : undo.entrySet()) {
            byte[] key = e.getKey().array();
            byte[] current = delegate.get(key);
            byte[] durable = e.getValue();
            if (durable == null) {
                delegate.delete(key);
            } else {
                delegate.put(key, durable);
            }
            out.add(new Rollback(key, current, durable));
            if (disk != null) {
                disk.ledger().lost(disk.node(), table, key, current, durable, disk.trueMillis());
            }
        }
        undo.clear();
        poisoned.clear();
        crashed = true;
        if (ownsDelegate) {
            delegate.close();
        }
        return out;
    }

    public synchronized boolean isCrashed() {
        return crashed;
    }

    /** Closes the real engine; a no-op after a crash, which already did. */
    @Override
    public synchronized void close() {
        if (crashed || closed) {
            return;
        }
        closed = true;
        if (ownsDelegate) {
            delegate.close();
        }
    }

    private void remember(byte[] key) {
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        if (!undo.containsKey(k)) {
            undo.put(k, delegate.get(key));
        }
        poisoned.remove(k); // written again: the next good sync writes the key's page out
    }

    private void report(byte[] key, byte[] value) {
        if (disk != null) {
            disk.ledger().stored(disk.node(), table, key, value, disk.trueMillis());
        }
    }

    private void ensureSpace() {
        if (disk != null && disk.isFull()) {
            throw new StorageException("engine of table '" + table + "' on " + disk.node()
                    + ": no space left on device");
        }
    }

    private void ensureUsable() {
        if (crashed) {
            throw new StorageException("engine of table '" + table + "' is gone: its node crashed");
        }
        if (closed) {
            throw new StorageException("engine of table '" + table + "' is closed");
        }
    }
}
