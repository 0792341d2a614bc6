package dev.dynamo.reconcilers;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.testing.contract.ReconcilerContract;
import java.util.Map;
import net.jqwik.api.Arbitrary;

class LwwReconcilerContractTest extends ReconcilerContract {

    private final Reconciler lww = Plugins.reconciler("lww").create("test", Map.of());

    @Override
    protected Reconciler reconciler() {
        return lww;
    }

    @Override
    protected Arbitrary<byte[]> values() {
        return smallByteArrays();
    }
}
