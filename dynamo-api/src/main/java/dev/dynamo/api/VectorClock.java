package dev.dynamo.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

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
    public static final VectorClock EMPTY = new VectorClock(new Entry[0]);

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

    private static final Comparator<Entry> BY_NODE = Comparator.comparing(Entry::node);

    /*
     * Entries sorted by node id, never modified after construction. A sorted array rather
     * than a map: clocks are small (at most the truncation limit, 10 by default) and built
     * on every request, so merge and compare walk two arrays side by side and a new clock
     * costs one array, not a tree.
     */
    private final Entry[] entries;

    /** Adopts {@code sorted} (sorted by node, distinct nodes): callers pass arrays nobody else holds. */
    private VectorClock(Entry[] sorted) {
        this.entries = sorted;
    }

    /** Builds a clock from entries; a node may appear once. */
    public static VectorClock of(List<Entry> entries) {
        Entry[] sorted = entries.toArray(new Entry[0]);
        for (Entry e : sorted) {
            Objects.requireNonNull(e, "entry");
        }
        Arrays.sort(sorted, BY_NODE);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].node().equals(sorted[i - 1].node())) {
                throw new IllegalArgumentException("node '" + sorted[i].node() + "' appears twice in a vector clock");
            }
        }
        return new VectorClock(sorted);
    }

    private int indexOf(String node) {
        int lo = 0;
        int hi = entries.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = entries[mid].node().compareTo(node);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** The counter of {@code node}, 0 when absent. */
    public long counter(String node) {
        int i = indexOf(node);
        return i < 0 ? 0 : entries[i].counter();
    }

    /** Entries sorted by node id. */
    public List<Entry> entries() {
        return List.of(entries);
    }

    public int size() {
        return entries.length;
    }

    public boolean isEmpty() {
        return entries.length == 0;
    }

    /**
     * A clock with {@code node}'s counter one higher, stamped with {@code timestamp}.
     *
     * @throws ArithmeticException when the counter is already {@link Long#MAX_VALUE}
     */
    public VectorClock increment(String node, long timestamp) {
        return withCounter(node, Math.addExact(counter(node), 1), timestamp);
    }

    /** A clock with {@code node}'s entry set to {@code counter} (which must not go down). */
    public VectorClock withCounter(String node, long counter, long timestamp) {
        int i = indexOf(node);
        long current = i < 0 ? 0 : entries[i].counter();
        if (counter < current) {
            throw new IllegalArgumentException("counter of '" + node + "' cannot go down from "
                    + current + " to " + counter);
        }
        Entry entry = new Entry(node, counter, timestamp);
        if (i >= 0) {
            Entry[] copy = entries.clone();
            copy[i] = entry;
            return new VectorClock(copy);
        }
        int at = -(i + 1);
        Entry[] grown = new Entry[entries.length + 1];
        System.arraycopy(entries, 0, grown, 0, at);
        grown[at] = entry;
        System.arraycopy(entries, at, grown, at + 1, entries.length - at);
        return new VectorClock(grown);
    }

    /** The least upper bound: per node, the larger counter with its timestamp. */
    public VectorClock merge(VectorClock other) {
        if (other.entries.length == 0) {
            return this;
        }
        if (entries.length == 0) {
            return other;
        }
        Entry[] a = entries;
        Entry[] b = other.entries;
        Entry[] out = new Entry[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length && j < b.length) {
            int c = a[i].node().compareTo(b[j].node());
            if (c < 0) {
                out[n++] = a[i++];
            } else if (c > 0) {
                out[n++] = b[j++];
            } else {
                // the timestamp travels with the counter it stamped, so merged clocks are the same
                // bytes on every replica whatever the merge order
                Entry x = a[i++];
                Entry y = b[j++];
                out[n++] = x.counter() != y.counter() ? (x.counter() > y.counter() ? x : y)
                        : x.timestamp() >= y.timestamp() ? x : y;
            }
        }
        while (i < a.length) {
            out[n++] = a[i++];
        }
        while (j < b.length) {
            out[n++] = b[j++];
        }
        return new VectorClock(n == out.length ? out : Arrays.copyOf(out, n));
    }

    /** True when every counter of {@code other} is at most this clock's. */
    public boolean descendsFrom(VectorClock other) {
        Entry[] a = entries;
        Entry[] b = other.entries;
        int i = 0;
        for (Entry e : b) {
            while (i < a.length && a[i].node().compareTo(e.node()) < 0) {
                i++;
            }
            if (i == a.length || !a[i].node().equals(e.node()) || a[i].counter() < e.counter()) {
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
        if (entries.length <= maxEntries) {
            return this;
        }
        List<Entry> sorted = new ArrayList<>(List.of(entries));
        sorted.sort(Comparator.comparingLong(Entry::timestamp).thenComparing(Entry::node));
        return of(sorted.subList(sorted.size() - maxEntries, sorted.size()));
    }

    /** The latest timestamp of any entry, 0 for the empty clock. */
    public long latestTimestamp() {
        long max = 0;
        for (Entry e : entries) {
            max = Math.max(max, e.timestamp());
        }
        return max;
    }

    /** Equality is by counters only: timestamps do not take part in causality. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof VectorClock other) || other.entries.length != entries.length) {
            return false;
        }
        for (int i = 0; i < entries.length; i++) {
            if (!entries[i].node().equals(other.entries[i].node()) || entries[i].counter() != other.entries[i].counter()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (Entry e : entries) {
            h = 31 * h + e.node().hashCode() * 17 + Long.hashCode(e.counter());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (Entry e : entries) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(e.node()).append(':').append(e.counter());
        }
        return sb.append(']').toString();
    }
}
