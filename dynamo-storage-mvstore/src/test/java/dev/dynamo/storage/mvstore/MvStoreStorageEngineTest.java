package dev.dynamo.storage.mvstore;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.testing.contract.StorageEngineContractTest;
import java.nio.file.Path;

class MvStoreStorageEngineTest extends StorageEngineContractTest {

    @Override
    protected StorageEngine open(Path dataDir) {
        return Plugins.engine("mvstore").open(context(dataDir));
    }
}
