package dev.dynamo.reconcilers;

import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Merges concurrent shopping carts, as Amazon's cart service does in the Dynamo paper:
 * the result holds every SKU of every cart with the largest quantity seen for it.
 * Registered as {@code cart-union}; values are {@link Cart} JSON,
 * {@code {"items": {"sku": quantity}}}.
 *
 * <p>The siblings are split three ways, and the result is, in this order:
 * <ol>
 *   <li>if any sibling is a cart: one sibling holding the {@link Cart#union union} of all
 *       carts as canonical JSON ({@link Cart#toJson()}: SKUs sorted, compact), timestamped
 *       with the latest timestamp among those carts. Concurrent tombstones are dropped:
 *       <b>add wins</b> over a concurrent delete, so an item added while another client
 *       emptied the cart is not lost;</li>
 *   <li>otherwise, if any sibling is a tombstone: the latest tombstone (by
 *       {@link SiblingOrder#CANONICAL}), meaning "deleted";</li>
 *   <li>then every sibling whose value is not a cart (see {@link Cart#fromJson(byte[])}),
 *       unchanged, without exact duplicates, in {@link SiblingOrder#CANONICAL} order. Such
 *       values are never dropped and never merged: the application sees them as
 *       siblings and decides.</li>
 * </ol>
 * The output depends only on the content of the input, so it is identical, byte for byte,
 * on every replica, whatever order and grouping the siblings were reconciled in; and a
 * merged cart reconciles to itself.
 *
 * <pre>{@code
 * Reconciler carts = Plugins.reconciler("cart-union").create("carts", Map.of());
 * List<Sibling> merged = carts.reconcile(List.of(
 *     Sibling.of(Cart.empty().with("a", 1).with("b", 2).toJson(), 100),
 *     Sibling.of(Cart.empty().with("b", 3).with("c", 1).toJson(), 200)));
 * // merged = [Sibling.of({"items":{"a":1,"b":3,"c":1}}, 200)]
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class CartUnionReconciler implements Reconciler {

    /** The name tables use: {@code reconciler=cart-union}. */
    public static final String NAME = "cart-union";

    /**
     * Merges the carts among {@code concurrent} and keeps what is not a cart; empty input
     * gives an empty list.
     *
     * @throws NullPointerException if the list or one of its siblings is null
     */
    @Override
    public List<Sibling> reconcile(List<Sibling> concurrent) {
        Objects.requireNonNull(concurrent, "concurrent");
        Cart merged = null;
        long mergedTimestamp = Long.MIN_VALUE;
        Sibling latestTombstone = null;
        List<Sibling> uninterpretable = new ArrayList<>();
        for (Sibling s : concurrent) {
            Objects.requireNonNull(s, "sibling");
            if (s.tombstone()) {
                if (latestTombstone == null || SiblingOrder.CANONICAL.compare(s, latestTombstone) > 0) {
                    latestTombstone = s;
                }
                continue;
            }
            Optional<Cart> cart = Cart.tryFromJson(s.value());
            if (cart.isPresent()) {
                merged = merged == null ? cart.get() : merged.union(cart.get());
                mergedTimestamp = Math.max(mergedTimestamp, s.timestamp());
            } else {
                uninterpretable.add(s);
            }
        }
        List<Sibling> result = new ArrayList<>(1 + uninterpretable.size());
        if (merged != null) {
            result.add(Sibling.of(merged.toJson(), mergedTimestamp));
        } else if (latestTombstone != null) {
            result.add(latestTombstone);
        }
        result.addAll(SiblingOrder.sortedDistinct(uninterpretable));
        return List.copyOf(result);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
