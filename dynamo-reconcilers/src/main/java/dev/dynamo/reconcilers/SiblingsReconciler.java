package dev.dynamo.reconcilers;

import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import java.util.List;
import java.util.Objects;

/**
 * Keeps every concurrent version: the application sees all siblings on its next read and
 * resolves them itself with its next write (the paper's "semantic reconciliation" by the
 * client). Registered as {@code siblings}.
 *
 * <p>The result holds each distinct input sibling once, tombstones included, in
 * {@link SiblingOrder#CANONICAL} order (oldest first); exact duplicates (same bytes, same
 * timestamp, same tombstone flag) collapse into one.
 *
 * <pre>{@code
 * Reconciler keepAll = Plugins.reconciler("siblings").create("docs", Map.of());
 * List<Sibling> all = keepAll.reconcile(List.of(Sibling.of(b, 200), Sibling.of(a, 100), Sibling.of(b, 200)));
 * // all = [Sibling.of(a, 100), Sibling.of(b, 200)]
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class SiblingsReconciler implements Reconciler {

    /** The name tables use: {@code reconciler=siblings}. */
    public static final String NAME = "siblings";

    /**
     * Returns the distinct input siblings in canonical order.
     *
     * @throws NullPointerException if the list or one of its siblings is null
     */
    @Override
    public List<Sibling> reconcile(List<Sibling> concurrent) {
        return SiblingOrder.sortedDistinct(Objects.requireNonNull(concurrent, "concurrent"));
    }

    @Override
    public String toString() {
        return NAME;
    }
}
