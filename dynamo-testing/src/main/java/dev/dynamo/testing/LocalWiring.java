package dev.dynamo.testing;

import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.transport.local.LocalNetwork;
import java.util.Optional;

/** Every node on one {@link LocalNetwork}, addressed {@code local:<id>}. */
final class LocalWiring implements Wiring {
    private final LocalNetwork network;

    LocalWiring(LocalNetwork network) {
        this.network = network;
    }

    @Override
    public Message.NodeAddress address(String id) {
        return new Message.NodeAddress(id, "local:" + id, "local:" + id);
    }

    @Override
    public Transport open(String id) {
        return network.transport(id);
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
