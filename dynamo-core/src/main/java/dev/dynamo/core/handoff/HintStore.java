package dev.dynamo.core.handoff;

import dev.dynamo.core.io.ByteReader;
import dev.dynamo.core.io.ByteWriter;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.store.SiblingStore;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.SiblingSetCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Writes a sloppy-quorum substitute keeps for an unreachable owner, in a system table on a
 * durable engine, so hints survive a restart. Hints for one key merge like replicas do,
 * so a later delete overtakes an earlier write in the hint too.
 *
 * <p>Key layout: target node, table (both length-prefixed), 4-byte partition, user key;
 * all hints for one target are one range.
 *
 * <p>It also knows how long it has held each hint ({@link #heldMillis}), by elapsed time
 * ({@link dev.dynamo.core.time.Scheduler#elapsedMillis()}), which no clock skew or step
 * changes: the hinted handoff drops a hint held longer than the tombstone grace period even
 * when this node's clock is behind, so it cannot bring back a value whose tombstone was
 * purged meanwhile. Kept in memory: hints found at start count as held since the start.
 *
 * <pre>{@code
 * hints.store("n3", "default", p, key, siblings);
 * hints.forEach("n3", hint -> deliver(hint));
 * }</pre>
 */
public final class HintStore implements AutoCloseable {

    /** One stored hint. */
    public record Hint(String target, String table, int partition, byte[] key, SiblingSet siblings, byte[] storageKey) {
    }

    private final StorageEngine engine;
    private final SiblingStore store;
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, Long> storedAt = new ConcurrentHashMap<>();
    private final LongSupplier elapsed;
    private final long openedAt;

    /** A hint store measuring how long it holds hints with {@link System#nanoTime()}. */
    public HintStore(StorageEngine engine, int maxClockEntries) {
        this(engine, maxClockEntries, () -> System.nanoTime() / 1_000_000);
    }

    /** @param elapsed milliseconds of elapsed time (the node scheduler's {@code elapsedMillis}) */
    public HintStore(StorageEngine engine, int maxClockEntries, LongSupplier elapsed) {
        this.elapsed = elapsed;
        this.openedAt = elapsed.getAsLong();
        this.engine = engine;
        this.store = new SiblingStore("__hints", engine, maxClockEntries, false);
        // rebuild the per-target counts: hints survive restarts
        store.scanRange(null, null, kv -> {
            pending.computeIfAbsent(decode(kv.key(), new byte[0]).target(), t -> new AtomicLong()).incrementAndGet();
            return true;
        });
    }

    /** Keeps {@code siblings} for {@code target}; true when it added something. */
    public boolean store(String target, String table, int partition, byte[] key, SiblingSet siblings) {
        byte[] sk = storageKey(target, table, partition, key);
        boolean existed = !store.getStorageKey(sk).isEmpty();
        boolean changed = store.mergeStorageKey(sk, siblings).changed();
        if (changed && !existed) {
            storedAt.put(ByteBuffer.wrap(sk), elapsed.getAsLong());
            pending.computeIfAbsent(target, t -> new AtomicLong()).incrementAndGet();
        }
        return changed;
    }

    /** What is held for {@code target} under one key (empty when nothing). */
    public SiblingSet read(String target, String table, int partition, byte[] key) {
        return store.getStorageKey(storageKey(target, table, partition, key));
    }

    /** Visits {@code target}'s hints in key order until the visitor returns false. */
    public void forEach(String target, Predicate<Hint> visitor) {
        byte[] from = prefix(target);
        byte[] to = afterPrefix(from);
        store.scanRange(from, to, kv -> visitor.test(decode(kv.key(), kv.value())));
    }

    /** Deletes a delivered hint unless it changed meanwhile (a newer hint must be delivered too). */
    public boolean remove(Hint hint) {
        boolean removed = store.removeStorageKeyIfUnchanged(hint.storageKey(), hint.siblings());
        if (removed) {
            storedAt.remove(ByteBuffer.wrap(hint.storageKey()));
            AtomicLong n = pending.get(hint.target());
            if (n != null) {
                n.decrementAndGet();
            }
        }
        return removed;
    }

    /**
     * How long this store has held {@code hint} under its key, in elapsed milliseconds: since
     * the first version of it arrived (a later version merged into it does not restart the
     * count), or since the store opened for a hint found at start.
     */
    public long heldMillis(Hint hint) {
        return elapsed.getAsLong() - storedAt.getOrDefault(ByteBuffer.wrap(hint.storageKey()), openedAt);
    }

    /** Hints waiting per target node (targets with none are left out). */
    public Map<String, Long> pending() {
        Map<String, Long> out = new TreeMap<>();
        pending.forEach((t, n) -> {
            if (n.get() > 0) {
                out.put(t, n.get());
            }
        });
        return out;
    }

    public long pendingTotal() {
        return pending.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Makes every hint stored so far durable; no fsync when nothing changed since the last one. */
    public void sync() {
        store.sync();
    }

    private static byte[] prefix(String target) {
        return new ByteWriter(16).writeString(target).toByteArray();
    }

    /** The smallest key greater than every key starting with {@code prefix}, or null. */
    static byte[] afterPrefix(byte[] prefix) {
        byte[] out = prefix.clone();
        for (int i = out.length - 1; i >= 0; i--) {
            if (out[i] != (byte) 0xFF) {
                out[i]++;
                return Arrays.copyOf(out, i + 1);
            }
        }
        return null;
    }

    static byte[] storageKey(String target, String table, int partition, byte[] key) {
        ByteWriter w = new ByteWriter(16 + key.length);
        w.writeString(target).writeString(table).writeInt(partition).writeRaw(key, 0, key.length);
        return w.toByteArray();
    }

    private static Hint decode(byte[] sk, byte[] value) {
        ByteReader r = new ByteReader(sk);
        String target = r.readString();
        String table = r.readString();
        int partition = r.readInt();
        byte[] key = Arrays.copyOfRange(sk, sk.length - r.remaining(), sk.length);
        SiblingSet set = value.length == 0 ? SiblingSet.EMPTY : SiblingSetCodec.decode(value);
        return new Hint(target, table, partition, key, set, sk);
    }

    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "HintStore" + pending();
    }
}
