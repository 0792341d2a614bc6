package dev.dynamo.reconcilers;

import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.ReconcilerProvider;
import java.util.Map;
import java.util.Set;

/**
 * Provides {@link CartUnionReconciler} under the name {@code cart-union}. It has no
 * properties; any {@code reconciler.cart-union.*} key is rejected.
 *
 * <pre>{@code
 * Reconciler carts = Plugins.reconciler("cart-union").create("carts", Map.of());
 * }</pre>
 */
public final class CartUnionReconcilerProvider implements ReconcilerProvider {

    @Override
    public String name() {
        return CartUnionReconciler.NAME;
    }

    /**
     * A new reconciler for {@code table}; there are no properties to set.
     *
     * @throws IllegalArgumentException for any property, naming it and the allowed ones
     */
    @Override
    public Reconciler create(String table, Map<String, String> properties) {
        ProviderProperties.requireOnly(name(), table, properties, Set.of());
        return new CartUnionReconciler();
    }
}
