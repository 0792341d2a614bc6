package dev.dynamo.reconcilers;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Checks the {@code reconciler.<name>.*} properties a provider receives. */
final class ProviderProperties {

    private ProviderProperties() {
    }

    /**
     * Fails on the first key (in sorted order) that is not in {@code allowed}, naming the
     * table, the reconciler, the key and the allowed keys.
     */
    static void requireOnly(String reconciler, String table, Map<String, String> properties, Set<String> allowed) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(properties, "properties");
        for (String key : new TreeSet<>(properties.keySet())) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("table '" + table + "': reconciler '" + reconciler
                        + "' has no property '" + key + "' (reconciler." + reconciler + "." + key
                        + "); allowed properties: "
                        + (allowed.isEmpty() ? "(none)" : String.join(", ", new TreeSet<>(allowed))));
            }
        }
    }
}
