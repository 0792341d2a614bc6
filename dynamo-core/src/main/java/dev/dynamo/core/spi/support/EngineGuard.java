package dev.dynamo.core.spi.support;

import dev.dynamo.core.spi.StorageException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The open/closed state of one engine and the lock that keeps calls from racing with
 * {@code close()}: every call runs under the shared lock on an open engine, {@code close()}
 * takes the exclusive lock, so no call ever touches released files or native memory.
 *
 * <p>Caller may assume:
 * <ul>
 *   <li>after {@link #close} has begun, {@link #call}, {@link #run}, {@link #runExclusive},
 *       {@link #openScan} and {@link #ensureOpen} throw the {@link StorageException} of
 *       {@link EngineLabel#closed()}, which says "is closed" and names the table;</li>
 *   <li>{@link #close} runs its release action at most once, after releasing every scan
 *       opened with {@link #openScan} and not yet released;</li>
 *   <li>an exception thrown by a body becomes {@link EngineLabel#failure} ("cannot
 *       &lt;what&gt; &lt;location&gt;: ...", cause kept) when it is checked or an instance of
 *       one of the {@code failures} classes given at construction (the storage library's own
 *       exceptions); a {@link StorageException} and any other unchecked exception pass
 *       through unchanged;</li>
 *   <li>the guard takes its lock once per call and never while holding it, so the lock need
 *       not be reentrant; bodies must not call back into the guard.</li>
 * </ul>
 *
 * <pre>{@code
 * EngineGuard guard = new EngineGuard(label, List.of(RocksDBException.class));
 *
 * public byte[] get(byte[] key) {
 *     return guard.call("get", () -> db.get(key));
 * }
 *
 * public void close() {
 *     if (guard.close(db::closeE)) {
 *         LOG.info("{} closed", label.prefix());
 *     }
 * }
 * }</pre>
 */
public final class EngineGuard {

    /** A body that returns a value and may throw the storage library's exceptions. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws Exception;
    }

    /** A body that returns nothing and may throw the storage library's exceptions. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private final EngineLabel label;
    private final ReadWriteLock lock;
    private final List<Class<? extends RuntimeException>> failures;
    private final Set<ScanIterator> openScans = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * A guard with a {@link ReentrantReadWriteLock}.
     *
     * @param failures the unchecked exception classes of the storage library that mean "the
     *                 store failed" and are to be reported as {@link StorageException}s
     */
    public EngineGuard(EngineLabel label, List<Class<? extends RuntimeException>> failures) {
        this(label, new ReentrantReadWriteLock(), failures);
    }

    /** A guard with the given lock (which need not be reentrant). */
    public EngineGuard(EngineLabel label, ReadWriteLock lock, List<Class<? extends RuntimeException>> failures) {
        this.label = Objects.requireNonNull(label, "label");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.failures = List.copyOf(failures);
    }

    /** Who the engine is, for the engine's own messages. */
    public EngineLabel label() {
        return label;
    }

    /**
     * Takes the shared lock on an open engine and hands it back to be unlocked in a
     * {@code finally} block: for an engine's hottest calls, where the lambda {@link #call}
     * takes costs a measurable share (JMH {@code EngineBench}, memory engine: a third of its
     * gets). The body must not throw the storage library's exceptions: none are translated.
     *
     * <pre>{@code
     * Lock shared = guard.lockOpen();
     * try {
     *     return map.get(key);
     * } finally {
     *     shared.unlock();
     * }
     * }</pre>
     *
     * @throws StorageException {@link EngineLabel#closed()} when the engine is closed (nothing is then held)
     */
    public Lock lockOpen() {
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
        } catch (RuntimeException e) {
            shared.unlock();
            throw e;
        }
        return shared;
    }

    /** Runs {@code body} under the shared lock on an open engine and returns its result. */
    public <T> T call(String what, Call<T> body) {
        Lock shared = lock.readLock();
        shared.lock();
        try {
            ensureOpen();
            return body.call();
        } catch (Exception e) {
            throw translate(what, e);
        } finally {
            shared.unlock();
        }
    }

    /** Runs {@code body} under the shared lock on an open engine. */
    public void run(String what, Action body) {
        call(what, () -> {
            body.run();
            return null;
        });
    }

    /**
     * Runs {@code body} under the exclusive lock on an open engine: no other call, scan step or
     * close runs meanwhile (for batches that readers must not see half of).
     */
    public void runExclusive(String what, Action body) {
        Lock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            ensureOpen();
            body.run();
        } catch (Exception e) {
            throw translate(what, e);
        } finally {
            exclusive.unlock();
        }
    }

    /**
     * Runs {@code body} under the shared lock unless the engine is closed, when it does
     * nothing: for work that is moot once the engine is closed (a background commit, the
     * commit that follows a batch, releasing a scan that close has released already).
     */
    public void runIfOpen(String what, Action body) {
        Lock shared = lock.readLock();
        shared.lock();
        try {
            if (!closed) {
                body.run();
            }
        } catch (Exception e) {
            throw translate(what, e);
        } finally {
            shared.unlock();
        }
    }

    /**
     * Opens a scan: runs {@code factory} like {@link #call}, and remembers the scan so that
     * {@link #close} releases it if its user has not closed it by then.
     */
    public <S extends ScanIterator> S openScan(Call<S> factory) {
        return call("scan", () -> {
            S scan = factory.call();
            openScans.add(scan);
            return scan;
        });
    }

    /**
     * Marks the engine closed, under the exclusive lock, releases the open scans, then runs
     * {@code release} (closing files, freeing native memory). Does nothing on an engine already
     * closed.
     *
     * @return true when this call closed the engine (so the caller may log it), false when it
     *         was closed already
     * @throws StorageException when releasing failed ("cannot close ..."); the engine stays
     *         closed, since retrying a half-done release is not safe
     */
    public boolean close(Action release) {
        Lock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            RuntimeException scanFailure = releaseOpenScans();
            try {
                release.run();
            } catch (Exception e) {
                RuntimeException failure = translate("close", e);
                if (scanFailure != null) {
                    failure.addSuppressed(scanFailure);
                }
                throw failure;
            }
            if (scanFailure != null) {
                throw translate("close", scanFailure);
            }
            return true;
        } finally {
            exclusive.unlock();
        }
    }

    /**
     * Marks the engine closed without releasing anything, for an engine that has found its
     * store unusable and released it itself (e.g. after a batch it could not undo): every later
     * call fails as on a closed engine, and {@link #close} does nothing.
     */
    public void markClosed() {
        closed = true;
    }

    /**
     * Fails when the engine is closed: for a step that runs without the lock, such as the
     * first check of a scan's {@code hasNext}.
     *
     * @throws StorageException {@link EngineLabel#closed()} when the engine is closed
     */
    public void ensureOpen() {
        if (closed) {
            throw label.closed();
        }
    }

    /** Called by a scan as it releases itself, so that close does not release it again. */
    void forget(ScanIterator scan) {
        openScans.remove(scan);
    }

    /** Releases every open scan even if some fail; returns the first failure (others suppressed), or null. */
    private RuntimeException releaseOpenScans() {
        RuntimeException first = null;
        for (ScanIterator scan : openScans) {
            try {
                scan.releaseOnce();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }

    private RuntimeException translate(String what, Exception e) {
        if (e instanceof StorageException storage) {
            return storage;
        }
        if (e instanceof RuntimeException unchecked && !isStorageFailure(unchecked)) {
            return unchecked;
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return label.failure(what, e);
    }

    private boolean isStorageFailure(RuntimeException e) {
        for (Class<? extends RuntimeException> failure : failures) {
            if (failure.isInstance(e)) {
                return true;
            }
        }
        return false;
    }
}
