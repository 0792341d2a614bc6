package dev.dynamo.reconcilers;

import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.ReconcilerProvider;
import java.util.Map;
import java.util.Set;

/**
 * Provides {@link LwwReconciler} under the name {@code lww}. It has no properties; any
 * {@code reconciler.lww.*} key is rejected.
 *
 * <pre>{@code
 * Reconciler lww = Plugins.reconciler("lww").create("sessions", Map.of());
 * }</pre>
 */
public final class LwwReconcilerProvider implements ReconcilerProvider {

    @Override
    public String name() {
        return LwwReconciler.NAME;
    }

    /**
     * A new reconciler for {@code table}; there are no properties to set.
     *
     * @throws IllegalArgumentException for any property, naming it and the allowed ones
     */
    @Override
    public Reconciler create(String table, Map<String, String> properties) {
        ProviderProperties.requireOnly(name(), table, properties, Set.of());
        return new LwwReconciler();
    }
}
