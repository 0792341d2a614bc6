package dev.dynamo.examples.reconciler;

import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.ReconcilerProvider;
import java.util.Map;

/**
 * Provides {@link MaxCounterReconciler} as {@code example-max-counter}. It has no properties.
 *
 * <pre>{@code
 * # conf/tables/high-water-marks.properties
 * reconciler = example-max-counter
 * }</pre>
 */
public final class MaxCounterReconcilerProvider implements ReconcilerProvider {

    /** The name tables use in {@code reconciler = example-max-counter}. */
    public static final String NAME = "example-max-counter";

    @Override
    public String name() {
        return NAME;
    }

    /** @throws IllegalArgumentException for any {@code reconciler.example-max-counter.*} property, naming it */
    @Override
    public Reconciler create(String table, Map<String, String> properties) {
        if (!properties.isEmpty()) {
            throw new IllegalArgumentException("table '" + table + "': reconciler '" + NAME + "' has no property "
                    + "reconciler." + NAME + "." + properties.keySet().iterator().next() + "; it takes none");
        }
        return new MaxCounterReconciler();
    }
}
