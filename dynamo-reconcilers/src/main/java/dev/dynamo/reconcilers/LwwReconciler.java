package dev.dynamo.reconcilers;

import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import java.util.List;
import java.util.Objects;

/**
 * Last write wins: of the concurrent siblings, the one with the latest write timestamp is
 * kept and the others are discarded. Registered as {@code lww}.
 *
 * <p>Ties are broken the same way on every replica, by {@link SiblingOrder#CANONICAL}: at
 * equal timestamps a tombstone beats a value (a delete issued in the same millisecond as a
 * write wins, as in Cassandra), and between values the greater one in unsigned byte order
 * wins. When the winner is a tombstone the result is that tombstone: the key is deleted.
 * The result is always one of the input siblings, never a new one.
 *
 * <p>LWW silently loses concurrent updates whose timestamp is lower, and depends on the
 * coordinators' clocks being roughly in sync; use it for data where the latest value is
 * all that matters (sessions, caches, profiles).
 *
 * <pre>{@code
 * Reconciler lww = Plugins.reconciler("lww").create("sessions", Map.of());
 * List<Sibling> winner = lww.reconcile(List.of(Sibling.of(a, 100), Sibling.of(b, 200)));
 * // winner = [Sibling.of(b, 200)]
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class LwwReconciler implements Reconciler {

    /** The name tables use: {@code reconciler=lww}. */
    public static final String NAME = "lww";

    /**
     * Returns a one-element list holding the latest sibling, or an empty list for empty input.
     *
     * @throws NullPointerException if the list or one of its siblings is null
     */
    @Override
    public List<Sibling> reconcile(List<Sibling> concurrent) {
        Objects.requireNonNull(concurrent, "concurrent");
        Sibling winner = null;
        for (Sibling s : concurrent) {
            Objects.requireNonNull(s, "sibling");
            if (winner == null || SiblingOrder.CANONICAL.compare(s, winner) > 0) {
                winner = s;
            }
        }
        return winner == null ? List.of() : List.of(winner);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
