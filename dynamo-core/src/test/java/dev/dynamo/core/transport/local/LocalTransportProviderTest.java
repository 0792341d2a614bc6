package dev.dynamo.core.transport.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.spi.Extensions;
import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.spi.TransportProvider;
import dev.dynamo.core.time.VirtualScheduler;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class LocalTransportProviderTest {
    private final VirtualScheduler scheduler = new VirtualScheduler(0);

    @Test
    void isFoundByName() {
        assertInstanceOf(LocalTransportProvider.class, Plugins.transport("local"));
    }

    @Test
    void nodesOfOneSharedNetworkTalk() {
        LocalNetwork network = new LocalNetwork(scheduler, 1);
        TransportProvider provider = Plugins.transport("local");
        try (Transport n1 = provider.create(network.contextFor("n1"));
             Transport n2 = provider.create(new TransportContext("n2", id -> null, Map.of(), scheduler, Extensions.NONE.with(LocalNetwork.class, network)))) {
            n2.start((from, request) -> CompletableFuture.completedFuture(new byte[] {2}));
            n1.start((from, request) -> CompletableFuture.completedFuture(new byte[] {1}));

            CompletableFuture<byte[]> reply = n1.send("n2", new byte[] {0}, 100);
            assertTrue(scheduler.runUntilIdle(1_000));

            assertArrayEquals(new byte[] {2}, reply.join());
            assertSame(network, ((LocalTransport) n1).network());
        }
    }

    @Test
    void nullSharedGivesAPrivateNetworkSeededFromProperties() {
        LocalTransportProvider provider = new LocalTransportProvider();
        LocalTransport a = provider.create(new TransportContext("a", id -> null, Map.of("seed", "42"), scheduler));
        LocalTransport b = provider.create(new TransportContext("b", id -> null, Map.of(), scheduler));

        assertNotSame(a.network(), b.network());
        assertEquals(java.util.Set.of("a"), a.network().nodes());
    }

    @Test
    void otherSchedulerIsRejected() {
        LocalNetwork network = new LocalNetwork(scheduler, 1);
        VirtualScheduler other = new VirtualScheduler(0);
        assertThrows(IllegalArgumentException.class, () -> new LocalTransportProvider()
                .create(new TransportContext("a", id -> null, Map.of(), other, Extensions.NONE.with(LocalNetwork.class, network))));
    }

    @Test
    void badSeedNamesKeyAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LocalTransportProvider()
                .create(new TransportContext("a", id -> null, Map.of("seed", "abc"), scheduler)));
        assertTrue(e.getMessage().contains("transport.local.seed") && e.getMessage().contains("abc"), e.getMessage());
    }
}
