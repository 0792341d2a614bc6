package dev.dynamo.core.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: makes writes durable with as few fsyncs as concurrent writers allow. A
 * writer calls {@link #awaitDurable()} after its write returned. One caller at a time runs
 * the engine's sync, which covers every write whose writer had asked before that sync
 * started; writers that ask while a sync runs share the next one. A sync that fails fails
 * every writer it was to cover (their writes may or may not be durable).
 *
 * <p>A writer that must not block (an event loop) calls {@link #durableAsync} instead: the
 * sync then runs on the given executor, and writers asking meanwhile share it.
 *
 * <pre>{@code
 * GroupSync durable = new GroupSync(engine::sync);
 * engine.put(key, value);
 * durable.awaitDurable();   // fsynced, possibly by one fsync shared with other writers
 *
 * engine.put(key, other);
 * durable.durableAsync(syncThreads).thenRun(() -> acknowledge());  // the caller goes on at once
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
    /** Callers of {@link #durableAsync} whose writes the next drained sync covers. */
    private final List<CompletableFuture<Void>> asyncWaiters = new ArrayList<>();
    private boolean draining;

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

    /**
     * Completes once every write that returned before this call is durable, or fails with the
     * engine's failure; the sync runs on {@code executor} (inline for a direct executor), never
     * on the caller when the executor has threads of its own.
     */
    public CompletableFuture<Void> durableAsync(Executor executor) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean start;
        lock.lock();
        try {
            asyncWaiters.add(done);
            start = !draining;
            draining = true;
        } finally {
            lock.unlock();
        }
        if (start) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                List<CompletableFuture<Void>> stranded;
                lock.lock();
                try {
                    draining = false;
                    stranded = new ArrayList<>(asyncWaiters);
                    asyncWaiters.clear();
                } finally {
                    lock.unlock();
                }
                stranded.forEach(f -> f.completeExceptionally(e));
            }
        }
        return done;
    }

    /** Syncs for the asynchronous waiters, batch after batch, until none is left. */
    private void drain() {
        while (true) {
            List<CompletableFuture<Void>> batch;
            lock.lock();
            try {
                if (asyncWaiters.isEmpty()) {
                    draining = false;
                    return;
                }
                batch = new ArrayList<>(asyncWaiters);
                asyncWaiters.clear();
            } finally {
                lock.unlock();
            }
            Throwable error = null;
            try {
                awaitDurable(); // asked after every write of the batch returned, so it covers them
            } catch (RuntimeException | Error e) {
                error = e;
            }
            for (CompletableFuture<Void> f : batch) {
                if (error == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(error);
                }
            }
            if (error instanceof Error e) { // no waiter is left hanging, and the next caller drains anew
                lock.lock();
                try {
                    draining = false;
                } finally {
                    lock.unlock();
                }
                throw e;
            }
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
