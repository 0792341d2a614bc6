package dev.dynamo.core.store;

import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: makes writes durable with as few fsyncs as concurrent writers allow. A
 * writer calls {@link #awaitDurable()} after its write returned. One caller at a time runs
 * the engine's sync, which covers every write whose writer had asked before that sync
 * started; writers that ask while a sync runs share the next one. A sync that fails fails
 * every writer it was to cover (their writes may or may not be durable).
 *
 * <pre>{@code
 * GroupSync durable = new GroupSync(engine::sync);
 * engine.put(key, value);
 * durable.awaitDurable();   // fsynced, possibly by one fsync shared with other writers
 * }</pre>
 */
public final class GroupSync {
    private final Runnable sync;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    private long requested;   // tickets handed out, one per awaitDurable call
    private long completed;   // every ticket up to this one is durable
    private long failedUpTo;  // tickets covered by the last failed sync
    private RuntimeException failure;
    private boolean syncing;
    private long syncs;

    /** @param sync makes every write that returned before it was called durable (e.g. {@code engine::sync}) */
    public GroupSync(Runnable sync) {
        this.sync = Objects.requireNonNull(sync, "sync");
    }

    /**
     * Returns once every write that returned before this call is durable.
     *
     * @throws RuntimeException the engine's failure when the sync covering this call failed
     */
    public void awaitDurable() {
        lock.lock();
        try {
            long ticket = ++requested;
            while (completed < ticket) {
                if (failedUpTo >= ticket) {
                    throw failure;
                }
                if (syncing) {
                    // a write in flight is not abandoned half-way on interrupt: wait on
                    finished.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                long upTo = requested;
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
                    completed = Math.max(completed, upTo);
                } else {
                    failure = error;
                    failedUpTo = Math.max(failedUpTo, upTo);
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
