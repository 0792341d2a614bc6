package dev.dynamo.reconcilers;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.testing.contract.ReconcilerContract;
import java.util.Map;
import net.jqwik.api.Arbitrary;

class SiblingsReconcilerContractTest extends ReconcilerContract {

    private final Reconciler siblings = Plugins.reconciler("siblings").create("test", Map.of());

    @Override
    protected Reconciler reconciler() {
        return siblings;
    }

    @Override
    protected Arbitrary<byte[]> values() {
        return smallByteArrays();
    }
}
