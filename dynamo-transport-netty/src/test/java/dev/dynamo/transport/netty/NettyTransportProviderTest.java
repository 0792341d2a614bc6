package dev.dynamo.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.MessageLimit;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.spi.TransportProvider;
import dev.dynamo.core.time.SystemScheduler;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NettyTransportProviderTest {

    private final SystemScheduler scheduler = new SystemScheduler("provider-test", 1);

    @AfterEach
    void close() {
        scheduler.close();
    }

    private TransportContext context(Map<String, String> properties) {
        return new TransportContext("n1", id -> null, properties, scheduler);
    }

    @Test
    void isFoundByName() {
        TransportProvider p = Plugins.transport("netty");
        assertInstanceOf(NettyTransportProvider.class, p);
        assertEquals("netty", p.name());
    }

    @Test
    void defaults() {
        NettyConfig c = NettyConfig.defaults();
        assertEquals(32 << 20, c.maxFrameBytes());
        assertEquals(2, c.connectionsPerPeer());
        assertTrue(c.ioThreads() >= 1);
        assertEquals(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), c.handlerThreads());
        assertEquals(1024, c.maxConnections());
        assertEquals(16384, c.maxInFlight());
        assertEquals(4096, c.handlerQueueSize());
        assertEquals(300_000, c.idleTimeoutMillis());
        assertEquals(150_000, c.clientIdleMillis());
    }

    @Test
    void propertiesAreParsed() {
        NettyConfig c = NettyConfig.fromProperties(Map.of("max-frame-bytes", "4096", "connections-per-peer", "3",
                "io-threads", " 2 ", "bind", "127.0.0.1:0"));
        assertEquals(4096, c.maxFrameBytes());
        assertEquals(3, c.connectionsPerPeer());
        assertEquals(2, c.ioThreads());
    }

    @Test
    void badPropertiesNameTheKeyAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NettyConfig.fromProperties(Map.of("max-frame-bytes", "lots")));
        assertTrue(e.getMessage().contains("transport.netty.max-frame-bytes") && e.getMessage().contains("lots"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NettyConfig.fromProperties(Map.of("connections-per-peer", "0")));
        assertTrue(e.getMessage().contains("connections-per-peer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NettyConfig.fromProperties(Map.of("max-frame-byte", "10")));
        assertTrue(e.getMessage().contains("max-frame-byte") && e.getMessage().contains("known: bind"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Plugins.transport("netty").create(context(Map.of("bind", "localhost"))));
        assertTrue(e.getMessage().contains("transport.netty.bind"), e.getMessage());
    }

    @Test
    void theLargestMessageIsTheFrameLessItsHeaderUnderTheSettingThatSetsIt() {
        assertEquals(Optional.of(new MessageLimit((32 << 20) - 10, "transport.netty.max-frame-bytes", 32 << 20)),
                Plugins.transport("netty").messageLimit(Map.of("bind", "127.0.0.1:0")));
        assertEquals(4086, Plugins.transport("netty").messageLimit(Map.of("max-frame-bytes", "4096"))
                .orElseThrow().maxBytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plugins.transport("netty").messageLimit(Map.of("max-connections", "none")));
        assertTrue(e.getMessage().contains("transport.netty.max-connections") && e.getMessage().contains("none"),
                e.getMessage());
    }

    @Test
    void startWithoutAnAddressFailsClearly() {
        try (NettyTransport t = new NettyTransport(context(Map.of("io-threads", "1")))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> t.start((from, r) -> CompletableFuture.completedFuture(r)));
            assertTrue(e.getMessage().contains("transport.netty.bind"), e.getMessage());
            assertEquals(-1, t.port());
        }
    }

    @Test
    void startListensOnBindAndTwiceFails() {
        try (NettyTransport t = new NettyTransport(context(Map.of("io-threads", "1", "bind", "127.0.0.1:0")))) {
            t.start((from, r) -> CompletableFuture.completedFuture(r));
            assertTrue(t.port() > 0);
            assertThrows(IllegalStateException.class, () -> t.start((from, r) -> CompletableFuture.completedFuture(r)));
        }
    }
}
