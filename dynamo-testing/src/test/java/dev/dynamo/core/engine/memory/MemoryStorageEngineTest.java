package dev.dynamo.core.engine.memory;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.testing.contract.StorageEngineContractTest;
import java.nio.file.Path;

class MemoryStorageEngineTest extends StorageEngineContractTest {

    @Override
    protected StorageEngine open(Path dataDir) {
        return Plugins.engine("memory").open(context(dataDir));
    }

    /** Memory keeps nothing across close and ignores its data directory. */
    @Override
    protected boolean persistent() {
        return false;
    }
}
