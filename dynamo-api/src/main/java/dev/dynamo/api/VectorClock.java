package dev.dynamo.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An immutable vector clock: for each node that coordinated a write, a counter and the
 * wall-clock time (milliseconds) of that node's latest event, as in the Dynamo paper.
 *
 * <p>The timestamps play no part in causality; they only choose which entry truncation
 * drops (the one with the oldest timestamp). Entries are kept sorted by node id so that
 * equal clocks have equal encodings.
 *
 * <pre>{@code
 * VectorClock a = VectorClock.EMPTY.increment("n1", now);
 * VectorClock b = a.increment("n2", now);
 * assert a.compareTo(b) == Occurred.BEFORE;
 * }</pre>
 */
public final class VectorClock {

    /** The default number of entries kept by {@link #truncate(int)} callers. */
    public static final int DEFAULT_MAX_ENTRIES = 10;

    /** The clock of nothing: before every other clock. */
    public static final VectorClock EMPTY = new VectorClock(Collections.emptySortedMap());

    /** One entry of the clock. */
    public record Entry(String node, long counter, long timestamp) {
        public Entry {
            Objects.requireNonNull(node, "node");
            if (node.isEmpty()) {
                throw new IllegalArgumentException("node id must not be empty");
            }
            if (counter < 1) {
                throw new IllegalArgumentException("counter must be >= 1, was " + counter);
            }
        }
    }

    private final TreeMap<String, Entry> entries;

    private VectorClock(Map<String, Entry> entries) {
        this.entries = new TreeMap<>(entries);
    }

    /** Builds a clock from entries; a node may appear once. */
    public static VectorClock of(List<Entry> entries) {
        TreeMap<String, Entry> map = new TreeMap<>();
        for (Entry e : entries) {
            if (map.put(e.node(), e) != null) {
                throw new IllegalArgumentException("node '" + e.node() + "' appears twice in a vector clock");
            }
        }
        return new VectorClock(map);
    }

    /** The counter of {@code node}, 0 when absent. */
    public long counter(String node) {
        Entry e = entries.get(node);
        return e == null ? 0 : e.counter();
    }

    /** Entries sorted by node id. */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** A clock with {@code node}'s counter one higher, stamped with {@code timestamp}. */
    public VectorClock increment(String node, long timestamp) {
        return withCounter(node, counter(node) + 1, timestamp);
    }

    /** A clock with {@code node}'s entry set to {@code counter} (which must not go down). */
    public VectorClock withCounter(String node, long counter, long timestamp) {
        if (counter < counter(node)) {
            throw new IllegalArgumentException("counter of '" + node + "' cannot go down from "
                    + counter(node) + " to " + counter);
        }
        TreeMap<String, Entry> copy = new TreeMap<>(entries);
        copy.put(node, new Entry(node, counter, timestamp));
        return new VectorClock(copy);
    }

    /** The least upper bound: per node, the larger counter with its timestamp. */
    public VectorClock merge(VectorClock other) {
        if (other.entries.isEmpty()) {
            return this;
        }
        if (entries.isEmpty()) {
            return other;
        }
        TreeMap<String, Entry> copy = new TreeMap<>(entries);
        for (Entry e : other.entries.values()) {
            // the timestamp travels with the counter it stamped, so merged clocks are the same
            // bytes on every replica whatever the merge order
            copy.merge(e.node(), e, (a, b) -> a.counter() != b.counter() ? (a.counter() > b.counter() ? a : b)
                    : new Entry(a.node(), a.counter(), Math.max(a.timestamp(), b.timestamp())));
        }
        return new VectorClock(copy);
    }

    /** True when every counter of {@code other} is at most this clock's. */
    public boolean descendsFrom(VectorClock other) {
        for (Entry e : other.entries.values()) {
            if (counter(e.node()) < e.counter()) {
                return false;
            }
        }
        return true;
    }

    /** How this clock relates to {@code other}. */
    public Occurred compareTo(VectorClock other) {
        boolean thisCovers = descendsFrom(other);
        boolean otherCovers = other.descendsFrom(this);
        if (thisCovers && otherCovers) {
            return Occurred.EQUAL;
        }
        if (thisCovers) {
            return Occurred.AFTER;
        }
        if (otherCovers) {
            return Occurred.BEFORE;
        }
        return Occurred.CONCURRENT;
    }

    /**
     * Keeps at most {@code maxEntries} entries, dropping those with the oldest timestamps
     * (ties: the smaller node id goes first). This is the paper's truncation: it bounds the
     * clock's size at the cost that a descendant may then look concurrent with its ancestor
     * (never the other way round: a truncated clock covers a subset of what it covered).
     */
    public VectorClock truncate(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
        }
        if (entries.size() <= maxEntries) {
            return this;
        }
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry::timestamp).thenComparing(Entry::node));
        return of(sorted.subList(sorted.size() - maxEntries, sorted.size()));
    }

    /** The latest timestamp of any entry, 0 for the empty clock. */
    public long latestTimestamp() {
        long max = 0;
        for (Entry e : entries.values()) {
            max = Math.max(max, e.timestamp());
        }
        return max;
    }

    /** Equality is by counters only: timestamps do not take part in causality. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof VectorClock other) || other.entries.size() != entries.size()) {
            return false;
        }
        for (Entry e : entries.values()) {
            if (other.counter(e.node()) != e.counter()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (Entry e : entries.values()) {
            h = 31 * h + e.node().hashCode() * 17 + Long.hashCode(e.counter());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (Entry e : entries.values()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(e.node()).append(':').append(e.counter());
        }
        return sb.append(']').toString();
    }
}
