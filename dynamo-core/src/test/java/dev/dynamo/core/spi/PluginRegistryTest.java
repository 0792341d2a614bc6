package dev.dynamo.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.coordination.RequestObserver;
import dev.dynamo.core.engine.memory.MemoryStorageEngine;
import dev.dynamo.core.failure.OutcomeFailureDetector;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.node.NodeConfig;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.core.time.VirtualScheduler;
import dev.dynamo.core.transport.local.LocalNetwork;
import dev.dynamo.core.transport.local.LocalTransport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {

    /** What a host might hand its engines; here only to see that it arrives. */
    record DiskModel(String name) {
    }

    /** An engine that is not declared in META-INF/services: reachable only through a registry. */
    static final class RecordingEngineProvider implements StorageEngineProvider {
        final List<EngineContext> opened = new ArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public StorageEngine open(EngineContext context) {
            opened.add(context);
            return new MemoryStorageEngine(context.table());
        }
    }

    @TempDir
    Path dir;

    @Test
    void aNodeOpensItsTablesThroughTheRegistryItIsGivenAndItsEnginesSeeTheExtensions() {
        RecordingEngineProvider recording = new RecordingEngineProvider();
        DiskModel disk = new DiskModel("disk of n1");
        PluginRegistry plugins = PluginRegistry.installed().withEngine(recording).withExtension(DiskModel.class, disk);
        VirtualScheduler scheduler = new VirtualScheduler(0);
        LocalTransport transport = new LocalNetwork(scheduler, 1).transport("n1");
        ClusterState cluster = ClusterState.of(new RingPlanner().initial(8, List.of(NodeInfo.of("n1"))),
                List.of(new Message.NodeAddress("n1", "local:n1", "local:n1")));
        NodeOptions options = NodeOptions.DEFAULTS.withSystemEngine("memory");
        try (DynamoNode node = new DynamoNode(new NodeConfig("n1", "127.0.0.1", 0, 0, dir.resolve("n1"), 1.0, 10),
                List.of(TableConfig.of("t", 1, 1, 1, "recording", KeepAllTestReconcilerProvider.NAME)), cluster, transport, scheduler,
                RequestObserver.NONE, options, new OutcomeFailureDetector(scheduler.clock(), 1, 1_000), plugins)) {
            transport.start(node);
            byte[] key = "k".getBytes(StandardCharsets.UTF_8);
            node.put("t", key, Context.EMPTY, "v".getBytes(StandardCharsets.UTF_8), RequestOptions.DEFAULT).join();
            assertEquals("v", new String(node.get("t", key, RequestOptions.DEFAULT).join().value(),
                    StandardCharsets.UTF_8));
            assertEquals(1, recording.opened.size(), "the table's engine came from the registry");
            assertEquals("t", recording.opened.get(0).table());
            assertSame(disk, recording.opened.get(0).extensions().get(DiskModel.class).orElseThrow());
        }
    }

    @Test
    void anAddedEngineTakesPrecedenceAndAnUnknownOneNamesEveryEngineThereIs() {
        RecordingEngineProvider recording = new RecordingEngineProvider();
        PluginRegistry plugins = PluginRegistry.installed().withEngine(recording);
        assertSame(recording, plugins.engine("recording"));
        assertEquals("memory", plugins.engine("memory").name());
        UnknownPluginException e = assertThrows(UnknownPluginException.class, () -> plugins.engine("nope"));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("memory")
                && e.getMessage().contains("recording"), e.getMessage());
        assertThrows(UnknownPluginException.class, () -> PluginRegistry.installed().engine("recording"),
                "adding an engine to one registry leaves the installed one as it was");
    }

    @Test
    void extensionsAreFoundByTypeOnly() {
        DiskModel first = new DiskModel("a");
        DiskModel second = new DiskModel("b");
        Extensions ext = Extensions.NONE.with(DiskModel.class, first);
        assertEquals(Optional.of(first), ext.get(DiskModel.class));
        assertEquals(Optional.empty(), ext.get(String.class));
        assertEquals(Optional.of(second), ext.with(DiskModel.class, second).get(DiskModel.class));
        assertEquals(Optional.of(first), ext.get(DiskModel.class), "with() leaves the original unchanged");
    }
}
