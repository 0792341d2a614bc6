package dev.dynamo.core.transport.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.time.VirtualScheduler;
import dev.dynamo.testing.contract.TransportContract;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** The transport contract for {@code local} on virtual time, with latency jitter to reorder messages. */
class LocalTransportContractTest extends TransportContract {
    private static final int MAX_STEPS = 1_000_000;

    private final VirtualScheduler scheduler = new VirtualScheduler(0);
    private final LocalNetwork network = new LocalNetwork(scheduler, 42);
    private int nextNode;

    LocalTransportContractTest() {
        network.setLatency(1, 5);
    }

    @Override
    protected List<Transport> createTransports(int n) {
        List<Transport> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ts.add(network.transport("node-" + nextNode++));
        }
        return ts;
    }

    @Override
    protected void awaitUntil(BooleanSupplier condition, String what) {
        for (int i = 0; i < MAX_STEPS && !condition.getAsBoolean(); i++) {
            if (!scheduler.step()) {
                break;
            }
        }
        assertTrue(condition.getAsBoolean(), "never happened on virtual time (t=" + scheduler.clock().millis()
                + " ms): " + what);
    }
}
