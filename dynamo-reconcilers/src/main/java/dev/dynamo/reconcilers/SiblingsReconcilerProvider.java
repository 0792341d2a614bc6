package dev.dynamo.reconcilers;

import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.ReconcilerProvider;
import java.util.Map;
import java.util.Set;

/**
 * Provides {@link SiblingsReconciler} under the name {@code siblings}. It has no
 * properties; any {@code reconciler.siblings.*} key is rejected.
 *
 * <pre>{@code
 * Reconciler keepAll = Plugins.reconciler("siblings").create("docs", Map.of());
 * }</pre>
 */
public final class SiblingsReconcilerProvider implements ReconcilerProvider {

    @Override
    public String name() {
        return SiblingsReconciler.NAME;
    }

    /**
     * A new reconciler for {@code table}; there are no properties to set.
     *
     * @throws IllegalArgumentException for any property, naming it and the allowed ones
     */
    @Override
    public Reconciler create(String table, Map<String, String> properties) {
        ProviderProperties.requireOnly(name(), table, properties, Set.of());
        return new SiblingsReconciler();
    }
}
