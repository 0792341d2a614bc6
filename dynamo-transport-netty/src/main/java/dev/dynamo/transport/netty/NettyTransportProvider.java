package dev.dynamo.transport.netty;

import dev.dynamo.core.spi.MessageLimit;
import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.spi.TransportProvider;
import java.util.Map;
import java.util.Optional;

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

    /**
     * The largest payload of a frame under {@code max-frame-bytes}: the frame less its header.
     *
     * @throws IllegalArgumentException naming the key when a property is invalid
     */
    @Override
    public Optional<MessageLimit> messageLimit(Map<String, String> properties) {
        NettyConfig config = NettyConfig.fromProperties(properties);
        return Optional.of(new MessageLimit(FrameCodec.maxPayloadBytes(config.maxFrameBytes()),
                NettyConfig.limit(NettyConfig.MAX_FRAME_BYTES), config.maxFrameBytes()));
    }
}
