package dev.dynamo.core.engine.memory;

import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageEngineProvider;
import dev.dynamo.core.spi.support.EngineProperties;

/**
 * Provides the {@code memory} engine: a sorted in-memory map per table that ignores its
 * data directory and loses everything on close. It takes no properties.
 *
 * <pre>{@code
 * # conf/tables/scratch.properties
 * engine=memory
 * }</pre>
 *
 * @see MemoryStorageEngine
 */
public final class MemoryStorageEngineProvider implements StorageEngineProvider {

    /** The name tables use in {@code engine=memory}. */
    public static final String NAME = "memory";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Opens an empty engine; the data directory is not touched.
     *
     * @throws IllegalArgumentException when {@code context.properties()} is not empty
     */
    @Override
    public StorageEngine open(EngineContext context) {
        EngineProperties.requireNone(NAME, context.table(), context.properties());
        return new MemoryStorageEngine(context.table());
    }
}
