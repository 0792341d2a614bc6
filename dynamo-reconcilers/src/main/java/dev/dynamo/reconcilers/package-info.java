/**
 * The stock conflict reconcilers, found by name with
 * {@link dev.dynamo.core.spi.Plugins#reconciler(String)}:
 * <ul>
 *   <li>{@code lww} ({@link dev.dynamo.reconcilers.LwwReconciler}): the latest write wins;</li>
 *   <li>{@code cart-union} ({@link dev.dynamo.reconcilers.CartUnionReconciler}): shopping
 *       carts merge by union, as in the Dynamo paper;</li>
 *   <li>{@code siblings} ({@link dev.dynamo.reconcilers.SiblingsReconciler}): keep every
 *       concurrent version and let the application decide.</li>
 * </ul>
 * A table picks one in {@code conf/tables/<table>.properties}:
 * <pre>{@code
 * reconciler=cart-union
 * }</pre>
 * Every reconciler here returns its siblings in a canonical order
 * ({@link dev.dynamo.reconcilers.SiblingOrder#CANONICAL}), so replicas that reconcile the
 * same versions in any order or grouping produce identical lists, byte for byte.
 * {@link dev.dynamo.reconcilers.Cart} builds and reads the cart JSON that
 * {@code cart-union} understands.
 */
package dev.dynamo.reconcilers;
