package dev.dynamo.core.store;

import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: makes writes durable with as few fsyncs as concurrent writers allow. A
 * writer calls {@link #written()} once its write to the engine returned, and
 * {@link #awaitDurable()} when it needs that write (and every earlier one) on disk. One
 * caller at a time runs the engine's sync, which covers every write noted before that sync
 * started; writers that ask while a sync runs share the next one. A sync that fails fails
 * every writer waiting on it (their writes may or may not be durable); the next caller tries
 * again.
 *
 * <p>Durability is judged by the writes noted, not by the caller's own: a caller whose write
 * changed nothing (the versions were already stored by an earlier, not yet synced write)
 * still waits for a sync covering that earlier write, so "durable" is never answered for
 * data that is only in the engine's buffers. When every noted write is already covered, it
 * returns at once without an fsync.
 *
 * <pre>{@code
 * GroupSync durable = new GroupSync(engine::sync);
 * engine.put(key, value);
 * durable.written();
 * durable.awaitDurable();   // fsynced, possibly by one fsync shared with other writers
 * }</pre>
 */
public final class GroupSync {
    private final Runnable sync;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    private long writes;       // writes noted so far
    private long durable;      // every write up to this one is covered by a successful sync
    private long started;      // syncs started so far, numbering them
    private long lastFailed;   // the number of the last sync that failed (0: none)
    private RuntimeException failure;
    private boolean syncing;
    private long syncs;

    /** @param sync makes every write that returned before it was called durable (e.g. {@code engine::sync}) */
    public GroupSync(Runnable sync) {
        this.sync = Objects.requireNonNull(sync, "sync");
    }

    /**
     * Notes that a write to the engine returned: the next {@link #awaitDurable()} must cover
     * it. Call it after the engine's write and before anyone else can see the written data
     * (under the key's lock), so that whoever sees the data also waits for its sync.
     */
    public void written() {
        lock.lock();
        try {
            writes++;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns once every write noted before this call is durable; at once, without an fsync,
     * when they all already are.
     *
     * @throws RuntimeException the engine's failure when a sync that started after this call failed
     */
    public void awaitDurable() {
        lock.lock();
        try {
            long target = writes;
            long arrival = started;
            while (durable < target) {
                if (lastFailed > arrival) {
                    throw failure; // a sync that was to cover this call failed
                }
                if (syncing) {
                    // a write in flight is not abandoned half-way on interrupt: wait on
                    finished.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                long number = ++started;
                long upTo = writes;
                RuntimeException error = null;
                lock.unlock(); // no lock held across the fsync: others queue for the next one meanwhile
                try {
                    sync.run();
                } catch (RuntimeException e) {
                    error = e;
                } finally {
                    lock.lock();
                }
                syncing = false;
                syncs++;
                if (error == null) {
                    durable = Math.max(durable, upTo);
                } else {
                    failure = error;
                    lastFailed = number;
                }
                finished.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Syncs run so far: with concurrent writers, fewer than the writes they made durable. */
    public long syncs() {
        lock.lock();
        try {
            return syncs;
        } finally {
            lock.unlock();
        }
    }
}
