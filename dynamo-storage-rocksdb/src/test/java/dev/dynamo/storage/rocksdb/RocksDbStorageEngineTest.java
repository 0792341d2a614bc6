package dev.dynamo.storage.rocksdb;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.testing.contract.StorageEngineContractTest;
import java.nio.file.Path;

class RocksDbStorageEngineTest extends StorageEngineContractTest {

    @Override
    protected StorageEngine open(Path dataDir) {
        return Plugins.engine("rocksdb").open(context(dataDir));
    }
}
