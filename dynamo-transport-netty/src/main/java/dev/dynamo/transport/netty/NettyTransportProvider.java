package dev.dynamo.transport.netty;

import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.spi.TransportProvider;

/**
 * The {@code netty} transport: nodes and clients over TCP with the binary protocol (see the
 * package documentation). Properties ({@code transport.netty.*}): {@code bind} and those of
 * {@link NettyConfig}.
 *
 * <pre>{@code
 * Transport t = Plugins.transport("netty").create(new TransportContext("n1", addressOf,
 *         Map.of("bind", "0.0.0.0:7001", "io-threads", "4"), scheduler));
 * }</pre>
 */
public final class NettyTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return "netty";
    }

    /** @throws IllegalArgumentException naming the key when a property is invalid */
    @Override
    public NettyTransport create(TransportContext context) {
        return new NettyTransport(context);
    }
}
