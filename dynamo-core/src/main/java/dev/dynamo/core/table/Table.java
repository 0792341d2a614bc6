package dev.dynamo.core.table;

import dev.dynamo.core.spi.Partitioner;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.store.SiblingStore;

/** One open table on a node: its settings, engine, versioned store, reconciler and partitioner. */
public record Table(TableConfig config, StorageEngine engine, SiblingStore store, Reconciler reconciler,
                    Partitioner partitioner) {
}
