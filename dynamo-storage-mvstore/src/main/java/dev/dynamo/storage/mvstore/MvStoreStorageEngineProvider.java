package dev.dynamo.storage.mvstore;

import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageEngineProvider;

/**
 * Provides the {@code mvstore} engine: one H2 MVStore file per table. See
 * {@link MvStoreStorageEngine} for its properties.
 *
 * <pre>{@code
 * # conf/tables/carts.properties
 * engine=mvstore
 * engine.mvstore.cache-size-mb=64
 * engine.mvstore.autocommit-delay-ms=500
 * }</pre>
 */
public final class MvStoreStorageEngineProvider implements StorageEngineProvider {

    /** The name tables use in {@code engine=mvstore}. */
    public static final String NAME = "mvstore";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Opens {@code <dataDir>/<table>.mv.db}, creating the directory and the file if needed.
     *
     * @throws dev.dynamo.core.spi.StorageException when the directory or file cannot be used;
     *         the message names the path
     * @throws IllegalArgumentException for an unknown or malformed property, naming it
     */
    @Override
    public StorageEngine open(EngineContext context) {
        return MvStoreStorageEngine.open(context);
    }
}
