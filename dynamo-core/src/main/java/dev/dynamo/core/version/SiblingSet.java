package dev.dynamo.core.version;

import dev.dynamo.api.Context;
import dev.dynamo.api.VectorClock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The versions of one key that nothing supersedes (the siblings), plus {@code seen}: the
 * join of every clock this replica has merged for the key, including versions it has
 * since dropped (a dotted version vector set, as in Riak 2.0). Immutable; versions kept
 * in a canonical order (by dot) so that equal sets encode to equal bytes.
 *
 * <p>{@code seen} does two jobs. It tells a replica that a version it lacks but whose dot
 * it has seen was dropped on purpose (superseded, or discarded by the table's reconciler),
 * so a late copy does not come back; and it gives the coordinator its next counter, so a
 * dot is never issued twice even after the version carrying it was dropped.
 *
 * <pre>{@code
 * SiblingSet s = SiblingSet.EMPTY.add(v1).set().add(v2).set();
 * Context ctx = s.context();   // what a get hands to the next put
 * }</pre>
 */
public record SiblingSet(List<Version> versions, VectorClock seen) {

    public static final SiblingSet EMPTY = new SiblingSet(List.of(), VectorClock.EMPTY);

    private static final Comparator<Version> CANONICAL =
            Comparator.comparing((Version v) -> v.dot().node()).thenComparingLong(v -> v.dot().counter());

    public SiblingSet {
        List<Version> sorted = new ArrayList<>(versions);
        sorted.sort(CANONICAL);
        versions = List.copyOf(sorted);
        VectorClock s = Objects.requireNonNull(seen, "seen");
        for (Version v : versions) {
            s = s.merge(v.clock());
        }
        seen = s;
    }

    /** A set of exactly these versions, having seen only their clocks. */
    public SiblingSet(List<Version> versions) {
        this(versions, VectorClock.EMPTY);
    }

    /** Outcome of adding or merging. */
    public record Added(SiblingSet set, boolean changed) {
    }

    public boolean isEmpty() {
        return versions.isEmpty();
    }

    public int size() {
        return versions.size();
    }

    /** The merged clock of every version still held. */
    public VectorClock clock() {
        VectorClock c = VectorClock.EMPTY;
        for (Version v : versions) {
            c = c.merge(v.clock());
        }
        return c;
    }

    /**
     * What a get returns: every event this replica has seen for the key plus the exact events
     * the versions' contexts name. The clock may claim every event of a node up to its counter
     * because a replica never holds a node's later event without its earlier ones or what
     * dropped them: a coordinator always replicates its whole set.
     */
    public Context context() {
        Context c = Context.of(seen);
        for (Version v : versions) {
            if (!v.context().events().isEmpty()) {
                c = c.merge(Context.of(VectorClock.EMPTY, v.context().events()));
            }
        }
        return c;
    }

    /** True when only tombstones (or nothing) remain. */
    public boolean isDeleted() {
        for (Version v : versions) {
            if (!v.tombstone()) {
                return false;
            }
        }
        return true;
    }

    /** Versions that are not tombstones. */
    public List<Version> live() {
        return versions.stream().filter(v -> !v.tombstone()).toList();
    }

    /** True when this replica has seen {@code v}: it holds it, dropped it, or holds a version that supersedes it. */
    private boolean hasSeen(Version v) {
        if (seen.counter(v.dot().node()) >= v.dot().counter()) {
            return true;
        }
        for (Version mine : versions) {
            if (v.isSupersededBy(mine)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds {@code incoming}: unchanged when this replica has already seen it (an obsolete or
     * duplicate write); otherwise stored versions it supersedes are dropped and it joins the
     * rest as a sibling.
     */
    public Added add(Version incoming) {
        if (hasSeen(incoming)) {
            return new Added(this, false);
        }
        List<Version> kept = new ArrayList<>(versions.size() + 1);
        for (Version v : versions) {
            if (!v.isSupersededBy(incoming)) {
                kept.add(v);
            }
        }
        kept.add(incoming);
        return new Added(new SiblingSet(kept, seen), true);
    }

    /**
     * Joins two replicas' sets: a version survives when both hold it, or when the side that
     * lacks it has not seen it. Commutative, associative and idempotent.
     */
    public Added merge(SiblingSet other) {
        if (other.equals(this) || other.isEmpty() && seen.descendsFrom(other.seen)) {
            return new Added(this, false);
        }
        List<Version> result = new ArrayList<>(versions.size() + other.versions.size());
        for (Version v : versions) {
            if (other.versions.contains(v) || !other.hasSeen(v)) {
                result.add(v);
            }
        }
        for (Version v : other.versions) {
            if (!versions.contains(v) && !hasSeen(v)) {
                result.add(v);
            }
        }
        SiblingSet merged = new SiblingSet(result, seen.merge(other.seen));
        return new Added(merged, !merged.equals(this));
    }

    /** The highest counter {@code node} has used for this key, whether or not its version is still held. */
    public long maxCounter(String node) {
        long max = seen.counter(node);
        for (Version v : versions) {
            for (Context.Event e : v.context().events()) {
                if (e.node().equals(node)) {
                    max = Math.max(max, e.counter());
                }
            }
        }
        return max;
    }

    /** True when this set holds or has seen something {@code other} lacks (so {@code other} needs repair). */
    public boolean hasVersionsMissingFrom(SiblingSet other) {
        return other.merge(this).changed();
    }

    /** The same versions with only {@code keep} of them held; what was dropped stays seen. */
    public SiblingSet retain(List<Version> keep) {
        return new SiblingSet(keep, seen);
    }

    /** Equality compares held versions (by dot) and the seen clock's counters. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SiblingSet s && s.versions.equals(versions) && s.seen.equals(seen);
    }

    @Override
    public int hashCode() {
        return versions.hashCode() * 31 + seen.hashCode();
    }
}
