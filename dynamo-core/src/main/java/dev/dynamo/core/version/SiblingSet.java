package dev.dynamo.core.version;

import dev.dynamo.api.Context;
import dev.dynamo.api.VectorClock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The versions of one key that no other stored version supersedes: the siblings. Immutable;
 * kept in a canonical order (by dot) so that equal sets encode to equal bytes.
 *
 * <pre>{@code
 * SiblingSet s = SiblingSet.EMPTY.add(v1).set().add(v2).set();
 * VectorClock ctx = s.clock();   // what a get hands to the next put
 * }</pre>
 */
public record SiblingSet(List<Version> versions) {

    public static final SiblingSet EMPTY = new SiblingSet(List.of());

    private static final Comparator<Version> CANONICAL =
            Comparator.comparing((Version v) -> v.dot().node()).thenComparingLong(v -> v.dot().counter());

    public SiblingSet {
        List<Version> sorted = new ArrayList<>(versions);
        sorted.sort(CANONICAL);
        versions = List.copyOf(sorted);
    }

    /** Outcome of adding one version. */
    public record Added(SiblingSet set, boolean changed) {
    }

    public boolean isEmpty() {
        return versions.isEmpty();
    }

    public int size() {
        return versions.size();
    }

    /** The merged clock of every version. */
    public VectorClock clock() {
        VectorClock c = VectorClock.EMPTY;
        for (Version v : versions) {
            c = c.merge(v.clock());
        }
        return c;
    }

    /**
     * What a get returns: the merged clock plus the exact events the versions' contexts name.
     * The clock may claim every event of a node up to its counter because a replica never
     * holds a node's later event without its earlier ones (or what superseded them).
     */
    public Context context() {
        Context c = Context.of(clock());
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

    /**
     * Adds {@code incoming}: unchanged when a stored version already covers it (an obsolete
     * or duplicate write); otherwise stored versions it supersedes are dropped and it joins
     * the rest as a sibling.
     */
    public Added add(Version incoming) {
        for (Version v : versions) {
            if (v.equals(incoming) || incoming.isSupersededBy(v)) {
                return new Added(this, false);
            }
        }
        List<Version> kept = new ArrayList<>(versions.size() + 1);
        for (Version v : versions) {
            if (!v.isSupersededBy(incoming)) {
                kept.add(v);
            }
        }
        kept.add(incoming);
        return new Added(new SiblingSet(kept), true);
    }

    /** The union of two sets minus superseded versions; commutative, associative, idempotent. */
    public Added merge(SiblingSet other) {
        SiblingSet result = this;
        boolean changed = false;
        for (Version v : other.versions) {
            Added a = result.add(v);
            result = a.set();
            changed |= a.changed();
        }
        return new Added(result, changed);
    }

    /** The highest counter {@code node} has used in any version or context here. */
    public long maxCounter(String node) {
        long max = 0;
        for (Version v : versions) {
            max = Math.max(max, v.clock().counter(node));
            for (Context.Event e : v.context().events()) {
                if (e.node().equals(node)) {
                    max = Math.max(max, e.counter());
                }
            }
        }
        return max;
    }

    /** True when some version of this set is not in {@code other} (so {@code other} needs repair). */
    public boolean hasVersionsMissingFrom(SiblingSet other) {
        return other.merge(this).changed();
    }
}
