package dev.dynamo.testing;

import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.spi.PluginRegistry;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.transport.local.LocalNetwork;
import java.util.Map;
import java.util.Optional;

/**
 * Every node on one {@link LocalNetwork}, addressed {@code local:<id>}; each node's
 * {@code local} transport finds the network among its extensions, as any host would give it.
 */
final class LocalWiring implements Wiring {
    private final LocalNetwork network;
    private final Scheduler scheduler;

    /** {@code scheduler} is the network's: messages and timers share one clock. */
    LocalWiring(LocalNetwork network, Scheduler scheduler) {
        this.network = network;
        this.scheduler = scheduler;
    }

    @Override
    public Message.NodeAddress address(String id) {
        return new Message.NodeAddress(id, "local:" + id, "local:" + id);
    }

    @Override
    public Transport open(String id, PluginRegistry plugins) {
        return plugins.transport("local").create(new TransportContext(id, peer -> "local:" + peer, Map.of(),
                scheduler, plugins.extensions().with(LocalNetwork.class, network)));
    }

    /** A crash on the network: messages in flight to and from the node are lost, its pending sends fail. */
    @Override
    public void kill(String id) {
        network.crash(id);
    }

    @Override
    public void revive(String id) {
        network.restart(id);
    }

    @Override
    public Optional<LocalNetwork> network() {
        return Optional.of(network);
    }

    @Override
    public void close() {
        // the transports are the nodes'; the network holds nothing else
    }
}
