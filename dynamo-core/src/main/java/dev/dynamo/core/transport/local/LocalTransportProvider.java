package dev.dynamo.core.transport.local;

import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.spi.TransportProvider;
import java.util.Map;

/**
 * The {@code local} transport: nodes of one JVM talking through a {@link LocalNetwork}.
 *
 * <p>The network comes from the context's extensions ({@code LocalNetwork.class}), and must run
 * on the context's scheduler. When there is none the provider
 * builds a <em>private</em> network holding only this node (a single-node cluster: sends
 * to other nodes fail UNREACHABLE); its random seed is the property {@code seed}
 * ({@code transport.local.seed} in the node's configuration, default 0), and
 * {@link LocalTransport#network()} reaches it for fault injection.
 *
 * <pre>{@code
 * LocalNetwork network = new LocalNetwork(scheduler, seed);
 * Transport n1 = Plugins.transport("local").create(network.contextFor("n1"));
 * Transport n2 = Plugins.transport("local").create(
 *         new TransportContext("n2", id -> null, Map.of(), scheduler, Extensions.NONE.with(LocalNetwork.class, network)));
 * }</pre>
 */
public final class LocalTransportProvider implements TransportProvider {

    /** Property holding the seed of a private network. */
    public static final String SEED_PROPERTY = "seed";

    @Override
    public String name() {
        return "local";
    }

    /**
     * @throws IllegalArgumentException when the network runs on another scheduler, or {@code seed} is not a number
     * @throws IllegalStateException    when the node already has an open transport on the network
     */
    @Override
    public LocalTransport create(TransportContext context) {
        LocalNetwork network = context.extensions().get(LocalNetwork.class).orElse(null);
        if (network == null) {
            network = new LocalNetwork(context.scheduler(), seed(context.properties()));
        } else if (network.scheduler() != context.scheduler()) {
            throw new IllegalArgumentException("transport 'local' for node '" + context.localNode()
                    + "': the context's scheduler is not the LocalNetwork's; give every node the"
                    + " network's scheduler so that messages and timers share one clock");
        }
        return network.transport(context.localNode());
    }

    private static long seed(Map<String, String> properties) {
        String value = properties.get(SEED_PROPERTY);
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("transport.local." + SEED_PROPERTY + ": '" + value
                    + "' is not a whole number; use e.g. 42", e);
        }
    }
}
