package dev.dynamo.core.transport.local;

import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.time.SystemScheduler;
import dev.dynamo.testing.contract.TransportContract;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** The transport contract for {@code local} on a multi-threaded {@link SystemScheduler}. */
class LocalTransportRealTimeContractTest extends TransportContract {

    private final SystemScheduler scheduler = new SystemScheduler("local-net-test", 4);
    private final LocalNetwork network = new LocalNetwork(scheduler, 42);
    private int nextNode;

    LocalTransportRealTimeContractTest() {
        network.setLatency(0, 2);
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
        awaitPolling(condition, what, 10_000);
    }

    @Override
    protected void cleanUp() {
        scheduler.close();
    }
}
