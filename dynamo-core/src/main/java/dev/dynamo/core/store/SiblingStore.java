package dev.dynamo.core.store;

import dev.dynamo.api.Context;
import dev.dynamo.api.LimitExceededException;
import dev.dynamo.api.TooManySiblingsException;
import dev.dynamo.core.spi.CloseableIterator;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.MessageLimit;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.version.ContextLimits;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.SiblingSetCodec;
import dev.dynamo.core.version.Version;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One table's versioned data on one node, on top of any {@link StorageEngine}: each key
 * holds a {@link SiblingSet}. Superseded versions are dropped, concurrent ones kept,
 * obsolete writes reported, deletes stored as tombstone versions. Updates of one key are
 * atomic under concurrent writers (striped locks around read-modify-write).
 *
 * <pre>{@code
 * SiblingStore store = new SiblingStore("default", engine, 10, true);
 * Coordinated c = store.coordinate(p, key, context, value, false, "n1", now); // coordinator
 * store.merge(p, key, c.siblings());                                        // other replicas
 * SiblingSet s = store.get(p, key);
 * }</pre>
 */
public final class SiblingStore {

    private static final int STRIPES = 1024;
    /** Appended to an actor whose counter for a key is used up (see {@link #nextDot}). */
    static final String SPARE_ACTOR_SUFFIX = "+";

    private final String table;
    private final StorageEngine engine;
    private final int maxClockEntries;
    private final boolean syncWrites;
    private final GroupSync durable;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    private final UnaryOperator<SiblingSet> compactor;
    private final IssuedCounters issued;
    private volatile WriteListener listener = WriteListener.NONE;

    /**
     * @param maxClockEntries vector clock truncation bound (the paper's 10)
     * @param syncWrites      fsync after each write before it is acknowledged
     */
    public SiblingStore(String table, StorageEngine engine, int maxClockEntries, boolean syncWrites) {
        this(table, engine, maxClockEntries, syncWrites, UnaryOperator.identity());
    }

    /**
     * @param compactor applied to a key's sibling set before it is stored; may drop siblings
     *                  that a deterministic reconciler would discard anyway (see
     *                  {@link SiblingCompactor}), so blind writes to a last-write-wins table do
     *                  not pile up siblings
     */
    public SiblingStore(String table, StorageEngine engine, int maxClockEntries, boolean syncWrites,
                        UnaryOperator<SiblingSet> compactor) {
        this(table, engine, maxClockEntries, syncWrites, compactor, new IssuedCounters());
    }

    /**
     * @param issued the counters this node's actor has issued, shared by every table of the
     *               node (and recorded across clean restarts): once a key was removed, every
     *               write counts above what was issued before, so a purged key never gets an
     *               old dot again
     */
    public SiblingStore(String table, StorageEngine engine, int maxClockEntries, boolean syncWrites,
                        UnaryOperator<SiblingSet> compactor, IssuedCounters issued) {
        this.issued = Objects.requireNonNull(issued, "issued");
        this.compactor = Objects.requireNonNull(compactor, "compactor");
        this.table = Objects.requireNonNull(table, "table");
        this.engine = Objects.requireNonNull(engine, "engine");
        if (maxClockEntries < 1) {
            throw new IllegalArgumentException("maxClockEntries must be >= 1, was " + maxClockEntries);
        }
        this.maxClockEntries = maxClockEntries;
        this.syncWrites = syncWrites;
        this.durable = new GroupSync(engine::sync);
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    public String table() {
        return table;
    }

    /**
     * Sees every change to a stored key, under the key's lock, with the old and new encoded
     * sibling set (null for absent). Anti-entropy keeps its Merkle trees current with it.
     */
    @FunctionalInterface
    public interface WriteListener {
        WriteListener NONE = (sk, oldValue, newValue) -> { };

        void written(byte[] storageKey, byte[] oldValue, byte[] newValue);
    }

    public void setWriteListener(WriteListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The sibling set under a key already in storage layout. */
    public SiblingSet getStorageKey(byte[] sk) {
        return read(sk);
    }

    public StorageEngine engine() {
        return engine;
    }

    /** The key's sibling set; empty when the key was never written here. */
    public SiblingSet get(int partition, byte[] key) {
        return read(StorageKeys.of(partition, key));
    }

    /** As {@link #coordinate(int, byte[], Context, byte[], boolean, String, long, int)} with no sibling cap. */
    public Coordinated coordinate(int partition, byte[] key, Context context, byte[] value, boolean tombstone,
                                  String node, long now) {
        return coordinate(partition, key, context, value, tombstone, node, now, Integer.MAX_VALUE);
    }

    /**
     * As {@link #coordinate(int, byte[], Context, byte[], boolean, String, long, int, Limits)}
     * with the default context limits and no message limit.
     */
    public Coordinated coordinate(int partition, byte[] key, Context context, byte[] value, boolean tombstone,
                                  String node, long now, int maxSiblings) {
        return coordinate(partition, key, context, value, tombstone, node, now, maxSiblings, Limits.DEFAULT);
    }

    /**
     * The node's limits a coordinated write is checked against, besides its table's
     * {@code max-siblings}.
     *
     * @param context the limits on the write's context
     * @param message the largest message the node's transport carries: the key's versions must
     *                fit in one with {@link #SET_MESSAGE_OVERHEAD} to spare, or no replica could
     *                answer a read of the key
     */
    public record Limits(ContextLimits context, MessageLimit message) {
        public static final Limits DEFAULT = new Limits(ContextLimits.DEFAULT,
                new MessageLimit(Integer.MAX_VALUE, "transport", Integer.MAX_VALUE));

        public Limits {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Bytes a message carrying a key's versions needs beyond them and the key: its type, the
     * table's name (at most 64 bytes), the partition, flags and a hint's target.
     */
    public static final int SET_MESSAGE_OVERHEAD = 1024;

    /**
     * Coordinates a write: creates a new version whose dot is this node's next event and
     * whose context is what the client read, stores it, and returns it for replication.
     * The new version supersedes exactly the versions {@code context} covers.
     *
     * <p>This is where a client's write meets the key's state, so the limits that need that
     * state are checked here, under the key's lock, before anything is stored: the context's
     * counters and growth ({@link ContextLimits}), and {@code maxSiblings}. A write that would
     * leave more than {@code maxSiblings} versions is refused only when it adds one without
     * superseding any: a write with a context that covers a sibling never adds to the count,
     * so reading, merging and writing back always works, whatever the key holds.
     *
     * <p>{@link #merge} (replicas, read repair, hints, anti-entropy, data movement) checks none
     * of this: what it receives was already accepted by a coordinator, perhaps acknowledged to
     * the client, and refusing it on one replica would lose it there or keep the replicas
     * apart for good. So a key may hold a few more siblings than the cap after concurrent
     * writes through several coordinators; the next write with a context brings it down.
     *
     * @param maxSiblings the table's {@code max-siblings}
     * @param limits      the node's limits on contexts and messages
     * @throws TooManySiblingsException when the write would add a sibling past {@code maxSiblings},
     *                                  or grow the key's versions past one message of the transport
     * @throws LimitExceededException   when the context is over one of {@link ContextLimits}
     */
    public Coordinated coordinate(int partition, byte[] key, Context context, byte[] value, boolean tombstone,
                                  String node, long now, int maxSiblings, Limits limits) {
        byte[] sk = StorageKeys.of(partition, key);
        ReentrantLock lock = lockFor(sk);
        Coordinated coordinated;
        lock.lock();
        try {
            byte[] raw = engine.get(sk);
            SiblingSet current = decode(sk, raw);
            limits.context().checkCounters(context, current);
            Dot dot = nextDot(current, context, node, issued.floor());
            Context truncated = context.truncate(maxClockEntries);
            Version v = tombstone ? Version.tombstone(dot, truncated, now)
                    : new Version(dot, truncated, now, false, value);
            SiblingSet stored = compactor.apply(current.add(v).set());
            if (stored.size() > maxSiblings && stored.size() > current.size()) {
                throw TooManySiblingsException.of(table, stored.size(), maxSiblings);
            }
            limits.context().checkGrowth(context, current, stored);
            byte[] encoded = SiblingSetCodec.encode(stored);
            checkFitsMessage(key, raw, encoded, limits.message());
            write(sk, raw, stored, encoded);
            issued.issued(dot.counter());
            coordinated = new Coordinated(v, stored);
        } finally {
            lock.unlock();
        }
        if (syncWrites) {
            durable.awaitDurable(); // outside the key's lock: concurrent writers share one fsync
        }
        return coordinated;
    }

    /**
     * Refuses a write that would make the key's versions too large for one message of the
     * transport: replicas answer a read with all of them in one message, so past that the key
     * could no longer be read (nor replicated). Like the sibling cap it refuses only a write
     * that grows them: a write-back with a read's context that supersedes siblings is the way
     * out and passes unless the merged value alone is larger than everything it replaces.
     */
    private void checkFitsMessage(byte[] key, byte[] old, byte[] encoded, MessageLimit message) {
        long bytes = (long) encoded.length + key.length + SET_MESSAGE_OVERHEAD;
        if (bytes > message.maxBytes() && encoded.length > (old == null ? 0 : old.length)) {
            throw TooManySiblingsException.ofBytes(table, bytes, message.maxBytes(), message.setting(),
                    message.settingValue());
        }
    }

    /**
     * The dot of the next write {@code node} coordinates for a key: one above the highest
     * counter of that node the key or the context has, and at least one above
     * {@code issuedFloor}: the highest counter the node had issued on any key when it last
     * removed a key ({@link IssuedCounters}; 0 until then). A key whose history was purged
     * may hold, or be written with a stale context naming, an older counter of this node
     * than the ones the purge removed, so nothing but a floor above every counter issued
     * before the purge keeps a dot from being issued twice.
     * The counter cannot overflow for new
     * data ({@link ContextLimits#MAX_COUNTER} keeps contexts far below it, and dots grow by
     * one per write), but a key stored before that limit existed may hold a node's counter at
     * {@link Long#MAX_VALUE}. Such a node writes the key as its spare actor
     * ({@code node + "+"}: no node id contains '+', so no other node makes those dots), and the
     * key stays writable through it.
     */
    static Dot nextDot(SiblingSet current, Context context, String node, long issuedFloor) {
        long last = Math.max(Math.max(current.maxCounter(node), issuedFloor), maxCounter(context, node));
        if (last < Long.MAX_VALUE) {
            return new Dot(node, last + 1);
        }
        String spare = node + SPARE_ACTOR_SUFFIX;
        long spareLast = Math.max(current.maxCounter(spare), maxCounter(context, spare));
        if (spareLast < Long.MAX_VALUE) {
            return new Dot(spare, spareLast + 1);
        }
        throw LimitExceededException.of("the write counter of '" + node + "' for this key",
                ContextLimits.MAX_COUNTER_SETTING, spareLast, ContextLimits.MAX_COUNTER);
    }

    /**
     * Merges a sibling set coordinated or stored elsewhere (replication, read repair,
     * anti-entropy, hinted handoff, data movement). {@code changed() == false} reports an
     * obsolete write: this replica already had everything in it.
     */
    public SiblingSet.Added merge(int partition, byte[] key, SiblingSet incoming) {
        return mergeStorageKey(StorageKeys.of(partition, key), incoming);
    }

    /** As {@link #merge} for a key already in storage layout. */
    public SiblingSet.Added mergeStorageKey(byte[] sk, SiblingSet incoming) {
        SiblingSet.Added result = mergeLocked(sk, incoming);
        if (syncWrites && result.changed()) {
            durable.awaitDurable(); // outside the key's lock: concurrent writers share one fsync
        }
        return result;
    }

    private SiblingSet.Added mergeLocked(byte[] sk, SiblingSet incoming) {
        ReentrantLock lock = lockFor(sk);
        lock.lock();
        try {
            byte[] raw = engine.get(sk);
            SiblingSet current = decode(sk, raw);
            SiblingSet.Added added = current.merge(incoming);
            if (added.changed()) {
                SiblingSet compacted = compactor.apply(added.set());
                if (compacted.equals(current)) {
                    return new SiblingSet.Added(current, false);
                }
                write(sk, raw, compacted);
                return new SiblingSet.Added(compacted, true);
            }
            return added;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the key if it still holds exactly {@code expected} (used to purge tombstones
     * once every replica has them); false when a newer write arrived meanwhile.
     */
    public boolean removeIfUnchanged(int partition, byte[] key, SiblingSet expected) {
        return removeStorageKeyIfUnchanged(StorageKeys.of(partition, key), expected);
    }

    /** As {@link #removeIfUnchanged} for a key already in storage layout. */
    public boolean removeStorageKeyIfUnchanged(byte[] sk, SiblingSet expected) {
        ReentrantLock lock = lockFor(sk);
        lock.lock();
        try {
            byte[] raw = engine.get(sk);
            if (raw == null || !Arrays.equals(raw, SiblingSetCodec.encode(expected))) {
                return false;
            }
            issued.keyRemoved(); // before the key is gone: no write can start it over from its old counters
            engine.delete(sk);
            durable.written();
            listener.written(sk, raw, null);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Visits every key of {@code partition} in key order with its sibling set. */
    public void scanPartition(int partition, Consumer<StoredKey> visitor) {
        try (CloseableIterator<KeyValue> it = engine.scan(StorageKeys.partitionStart(partition),
                StorageKeys.partitionEnd(partition))) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                visitor.accept(new StoredKey(partition, StorageKeys.userKey(kv.key()), SiblingSetCodec.decode(kv.value())));
            }
        }
    }

    private static long maxCounter(Context context, String node) {
        long max = context.clock().counter(node);
        for (Context.Event e : context.events()) {
            if (e.node().equals(node)) {
                max = Math.max(max, e.counter());
            }
        }
        return max;
    }

    /**
     * The result of coordinating a write: the new version, and the coordinator's whole
     * sibling set after it, which is what replicas must receive (see {@link Version}).
     */
    public record Coordinated(Version version, SiblingSet siblings) {
        /** The context to hand the writer: what it had read plus its own write, exactly. */
        public Context context() {
            return version.fullContext();
        }
    }

    /** Visits raw entries with {@code from <= storage key < to} (null: open) in key order. */
    public void scanRange(byte[] from, byte[] to, java.util.function.Predicate<KeyValue> visitor) {
        try (CloseableIterator<KeyValue> it = engine.scan(from, to)) {
            while (it.hasNext()) {
                if (!visitor.test(it.next())) {
                    return;
                }
            }
        }
    }

    /** One key of a scan. */
    public record StoredKey(int partition, byte[] key, SiblingSet siblings) {
    }

    private SiblingSet read(byte[] sk) {
        return decode(sk, engine.get(sk));
    }

    private SiblingSet decode(byte[] sk, byte[] raw) {
        if (raw == null) {
            return SiblingSet.EMPTY;
        }
        try {
            return SiblingSetCodec.decode(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("table '" + table + "': corrupt stored value for a key of partition "
                    + StorageKeys.partition(sk) + ": " + e.getMessage(), e);
        }
    }

    /** Under the key's lock; {@code old} is what the caller read under it (the listener's old value). */
    private void write(byte[] sk, byte[] old, SiblingSet set) {
        write(sk, old, set, SiblingSetCodec.encode(set));
    }

    private void write(byte[] sk, byte[] old, SiblingSet set, byte[] encoded) {
        engine.put(sk, encoded);
        durable.written(); // under the key's lock: whoever sees this write also waits for its sync
        listener.written(sk, old, encoded);
    }

    /**
     * Makes every write so far durable (the buffered table's "durable write" on request),
     * sharing the fsync with concurrent callers.
     */
    public void sync() {
        durable.awaitDurable();
    }

    private ReentrantLock lockFor(byte[] sk) {
        return locks[Math.floorMod(Arrays.hashCode(sk), STRIPES)];
    }
}
