package dev.dynamo.testing;

import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.spi.PluginRegistry;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.transport.local.LocalNetwork;
import java.util.Optional;

/** How the nodes of a {@link TestCluster} are connected: their addresses and their transports. */
interface Wiring extends AutoCloseable {

    /** Gives {@code id} an address; the first call for an id decides it, later ones return it. */
    Message.NodeAddress address(String id);

    /** A new transport for {@code id}, on its address, not started, made by the provider {@code plugins} names. */
    Transport open(String id, PluginRegistry plugins);

    /** Before {@code id}'s process dies: what the network does to its messages in flight. */
    void kill(String id);

    /** After {@code id} restarted with a new transport: it may be reached again. */
    void revive(String id);

    /** The local network, for fault injection; empty on a real one. */
    Optional<LocalNetwork> network();

    @Override
    void close();

    static Wiring of(ClusterSpec spec, Scheduler scheduler) {
        return switch (spec.transport()) {
            case LOCAL -> new LocalWiring(new LocalNetwork(scheduler, spec.seed()), scheduler);
            case NETTY -> new NettyWiring(scheduler, spec.transportProperties());
        };
    }
}
