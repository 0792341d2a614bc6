package dev.dynamo.storage.bdb;

import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageEngineProvider;

/**
 * Provides the {@code bdb} engine: one Berkeley DB Java Edition environment per table. See
 * {@link BdbStorageEngine} for its properties.
 *
 * <pre>{@code
 * # conf/tables/carts.properties
 * engine=bdb
 * engine.bdb.cache-percent=30
 * engine.bdb.durability=write-no-sync
 * }</pre>
 */
public final class BdbStorageEngineProvider implements StorageEngineProvider {

    /** The name tables use in {@code engine=bdb}. */
    public static final String NAME = "bdb";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Opens the environment in {@code <dataDir>/<table>.bdb}, creating the directories and the
     * database if needed.
     *
     * @throws dev.dynamo.core.spi.StorageException when the directory or environment cannot be
     *         used; the message names the path
     * @throws IllegalArgumentException for an unknown or malformed property, naming it
     */
    @Override
    public StorageEngine open(EngineContext context) {
        return BdbStorageEngine.open(context);
    }
}
