package dev.dynamo.storage.rocksdb;

import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageEngineProvider;

/**
 * Provides the {@code rocksdb} engine: one RocksDB database per table. See
 * {@link RocksDbStorageEngine} for its properties.
 *
 * <pre>{@code
 * # conf/tables/carts.properties
 * engine=rocksdb
 * engine.rocksdb.block-cache-mb=256
 * }</pre>
 */
public final class RocksDbStorageEngineProvider implements StorageEngineProvider {

    /** The name tables use in {@code engine=rocksdb}. */
    public static final String NAME = "rocksdb";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Opens {@code <dataDir>/<table>.rocksdb}, creating the directories and the database if
     * needed.
     *
     * @throws dev.dynamo.core.spi.StorageException when the directory or database cannot be
     *         used; the message names the path
     * @throws IllegalArgumentException for an unknown or malformed property, naming it
     */
    @Override
    public StorageEngine open(EngineContext context) {
        return RocksDbStorageEngine.open(context);
    }
}
