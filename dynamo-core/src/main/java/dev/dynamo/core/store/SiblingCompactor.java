package dev.dynamo.core.store;

import dev.dynamo.api.Context;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Drops siblings on write when the table's reconciler settles them by picking one of
 * them unchanged (last-write-wins, or a cart union that equals one of the carts): every
 * read would discard the others anyway, and without this, blind writes to such a table
 * would pile up siblings without bound. When the reconciler makes a new value or keeps
 * several, the set is stored as it is: making a new value needs a new write event, which
 * only a client's put creates. A loser whose context names a replaced write this replica has
 * not seen yet is kept until it has (see namesUnseenEvents): what a write replaced
 * must stay replaced, even when the write itself loses.
 *
 * <p>Replicas converge: the pick is deterministic (reconcilers are commutative,
 * associative and idempotent), so every replica drops the same versions.
 */
public final class SiblingCompactor implements UnaryOperator<SiblingSet> {
    private final Reconciler reconciler;

    public SiblingCompactor(Reconciler reconciler) {
        this.reconciler = reconciler;
    }

    @Override
    public SiblingSet apply(SiblingSet set) {
        if (set.size() < 2) {
            return set;
        }
        List<Sibling> siblings = new ArrayList<>(set.size());
        for (Version v : set.versions()) {
            siblings.add(v.toSibling());
        }
        List<Sibling> settled = reconciler.reconcile(siblings);
        if (settled.size() != 1) {
            return set;
        }
        Version winner = null;
        for (Version v : set.versions()) {
            if (v.toSibling().equals(settled.get(0))) {
                if (winner != null) {
                    return set; // two versions with identical content: keep both, no way to pick
                }
                winner = v;
            }
        }
        if (winner == null) {
            return set;
        }
        List<Version> keep = new ArrayList<>(1);
        for (Version v : set.versions()) {
            if (v == winner || namesUnseenEvents(v, set)) {
                keep.add(v);
            }
        }
        return keep.size() == set.size() ? set : set.retain(keep);
    }

    /**
     * True when {@code v}'s context names an exact event (a write its writer replaced) that the
     * set's seen clock does not cover. Dropping {@code v} would forget that the event was
     * replaced: the seen clock keeps clocks, not exact events, so the replaced version, arriving
     * later from a replica that still holds it, would come back. Such a loser stays until the
     * replaced version arrives (and is refused, {@code v} superseding it) and its clock joins
     * the seen clock; reads settle it with the winner meanwhile.
     */
    private static boolean namesUnseenEvents(Version v, SiblingSet set) {
        for (Context.Event e : v.context().events()) {
            if (set.seen().counter(e.node()) < e.counter()) {
                return true;
            }
        }
        return false;
    }
}
