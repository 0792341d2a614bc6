package dev.dynamo.storage.bdb;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.testing.contract.StorageEngineContractTest;
import java.nio.file.Path;

class BdbStorageEngineTest extends StorageEngineContractTest {

    @Override
    protected StorageEngine open(Path dataDir) {
        return Plugins.engine("bdb").open(context(dataDir));
    }
}
