package dev.dynamo.transport.netty;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.time.SystemScheduler;
import dev.dynamo.testing.contract.TransportContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** The transport contract for {@code netty}, on loopback with ephemeral ports. */
class NettyTransportContractTest extends TransportContract {

    private final SystemScheduler scheduler = new SystemScheduler("netty-contract", 1);
    private final Map<String, NettyTransport> byNode = new ConcurrentHashMap<>();
    private int nextNode;

    @Override
    protected List<Transport> createTransports(int n) {
        List<Transport> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "node-" + nextNode++;
            TransportContext context = new TransportContext(id, this::addressOf,
                    Map.of("bind", "127.0.0.1:0", "io-threads", "1", "shutdown-grace-millis", "200"), scheduler);
            NettyTransport t = (NettyTransport) Plugins.transport("netty").create(context);
            byNode.put(id, t);
            ts.add(t);
        }
        return ts;
    }

    /**
     * A started transport's address as the SPI reports it (kept after it closes, so that
     * sends to it are refused): every round trip of the contract also checks that peers
     * reach a transport at its {@link Transport#boundAddress()}.
     */
    private String addressOf(String node) {
        Transport t = byNode.get(node);
        return t == null ? null : t.boundAddress().map(a -> "127.0.0.1:" + a.getPort()).orElse(null);
    }

    @Override
    protected boolean listensOnSocket() {
        return true;
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
