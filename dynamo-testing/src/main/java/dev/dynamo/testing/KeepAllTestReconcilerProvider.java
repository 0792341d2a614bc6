package dev.dynamo.testing;

import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.ReconcilerProvider;
import java.util.List;
import java.util.Map;

/** A reconciler for core's own tests (the real ones live in dynamo-reconcilers): keeps every sibling. */
public final class KeepAllTestReconcilerProvider implements ReconcilerProvider {
    public static final String NAME = "test-keep-all";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Reconciler create(String table, Map<String, String> properties) {
        return List::copyOf;
    }
}
