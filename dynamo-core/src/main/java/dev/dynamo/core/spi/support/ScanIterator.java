package dev.dynamo.core.spi.support;

import dev.dynamo.core.spi.CloseableIterator;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.StorageException;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The iterator a {@link dev.dynamo.core.spi.StorageEngine#scan scan} returns, with everything
 * but the storage calls done: look-ahead for {@code hasNext}, the closed-engine check on every
 * step, the {@link NoSuchElementException} at the end, and releasing the scan's resources
 * exactly once, whether it is exhausted, closed by its user or released by the engine's close.
 * A subclass says how to read the next entry and what to release.
 *
 * <p>Caller may assume: {@link #fetchNext} and {@link #release} run under the engine's
 * shared lock (exclusive when the engine closes) and never at the same time as each other, so
 * neither races with the engine's close or with a {@code close()} from another thread;
 * {@link #fetchNext} runs only on an open engine and is not called again once it has
 * returned null; {@link #release} runs at most once. On a closed engine every
 * {@code hasNext()} and {@code next()} throws the engine's "is closed"
 * {@link StorageException}, also when the scan was exhausted before.
 *
 * <p>Open it with {@link EngineGuard#openScan}, so that closing the engine releases it (a scan
 * that holds nothing to release, over a snapshot in memory, may be created in
 * {@link EngineGuard#call} instead, so that the engine keeps no reference to it):
 *
 * <pre>{@code
 * public CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
 *     KeyRange range = KeyRange.of(fromInclusive, toExclusive);
 *     return guard.openScan(() -> new ScanIterator(guard) {
 *         private final Cursor cursor = store.cursorAt(range.from());
 *
 *         protected KeyValue fetchNext() {
 *             return cursor.hasNext() && !range.isPastEnd(cursor.key())
 *                     ? new KeyValue(cursor.key(), cursor.nextValue()) : null;
 *         }
 *
 *         protected void release() {
 *             cursor.close();
 *         }
 *     });
 * }
 * }</pre>
 */
public abstract class ScanIterator implements CloseableIterator<KeyValue> {
    private final EngineGuard guard;
    /** The entry {@code hasNext} read ahead; touched by the user's thread only. */
    private KeyValue next;
    /** Exhausted or closed by its user; touched by the user's thread only. */
    private boolean finished;
    /** Guarded by {@code this}: the engine's close may release the scan from another thread. */
    private boolean released;

    protected ScanIterator(EngineGuard guard) {
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    /**
     * The next entry in the scan's range, or null when there is none. The arrays must belong
     * to the caller (copy them if the store reuses its buffers).
     */
    protected abstract KeyValue fetchNext() throws Exception;

    /** Frees what the scan holds (a cursor, a snapshot, native memory); by default nothing. */
    protected void release() {
        // a scan over a snapshot in memory holds nothing the garbage collector does not free
    }

    @Override
    public final boolean hasNext() {
        guard.ensureOpen();
        if (next != null) {
            return true;
        }
        if (finished) {
            return false;
        }
        next = guard.call("scan", this::step);
        if (next == null) {
            finished = true;
        }
        return next != null;
    }

    @Override
    public final KeyValue next() {
        if (!hasNext()) {
            throw new NoSuchElementException("scan of table '" + guard.label().table() + "' is exhausted or closed");
        }
        KeyValue current = next;
        next = null;
        return current;
    }

    /** Releases the scan; idempotent. After it, {@code hasNext()} is false on an open engine. */
    @Override
    public final void close() {
        next = null;
        finished = true;
        // once the engine is closed its close has released every scan opened through the guard
        guard.runIfOpen("close a scan of", this::releaseOnce);
    }

    /** Caller holds the engine's shared lock. */
    private synchronized KeyValue step() throws Exception {
        if (released) {
            return null;
        }
        KeyValue entry = fetchNext();
        if (entry == null) {
            releaseOnce();
        }
        return entry;
    }

    /** Caller holds the engine's lock, shared or exclusive. */
    synchronized void releaseOnce() {
        if (released) {
            return;
        }
        released = true;
        guard.forget(this);
        release();
    }
}
