package dev.dynamo.reconcilers;

import dev.dynamo.core.spi.Sibling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The canonical total order of siblings shared by the reconcilers of this module, for
 * writing reconcilers whose output does not depend on input order.
 *
 * <p>{@link #CANONICAL} orders by write timestamp (signed, ascending), then live values
 * before tombstones, then value bytes in unsigned lexicographic order (a prefix first). It
 * is consistent with {@link Sibling#equals}: two siblings compare as 0 exactly when they
 * are equal, so the maximum of any set of siblings is well defined, which is what
 * {@code lww} uses.
 *
 * <pre>{@code
 * // a reconciler that keeps the two latest siblings, in canonical order
 * Reconciler latestTwo = concurrent -> {
 *     List<Sibling> all = SiblingOrder.sortedDistinct(concurrent);
 *     return all.subList(Math.max(0, all.size() - 2), all.size());
 * };
 * }</pre>
 */
public final class SiblingOrder {

    /** Timestamp ascending, then live before tombstone, then value bytes unsigned ascending. */
    public static final Comparator<Sibling> CANONICAL = Comparator
            .comparingLong(Sibling::timestamp)
            .thenComparing(Sibling::tombstone)
            .thenComparing(Sibling::value, Arrays::compareUnsigned);

    private SiblingOrder() {
    }

    /**
     * {@code siblings} sorted by {@link #CANONICAL} with exact duplicates removed, as a new
     * unmodifiable list. The input is not modified.
     *
     * @throws NullPointerException if the list or one of its siblings is null
     */
    public static List<Sibling> sortedDistinct(List<Sibling> siblings) {
        List<Sibling> sorted = new ArrayList<>(siblings);
        sorted.forEach(s -> Objects.requireNonNull(s, "sibling"));
        sorted.sort(CANONICAL);
        List<Sibling> distinct = new ArrayList<>(sorted.size());
        for (Sibling s : sorted) {
            if (distinct.isEmpty() || CANONICAL.compare(distinct.get(distinct.size() - 1), s) != 0) {
                distinct.add(s);
            }
        }
        return List.copyOf(distinct);
    }
}
