package dev.dynamo.core.spi;

import static dev.dynamo.testing.Utf8.bytes;
import static dev.dynamo.testing.Utf8.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.engine.memory.MemoryStorageEngine;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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

    @Test
    void aNodeOpensItsTablesThroughTheRegistryItIsGivenAndItsEnginesSeeTheExtensions() {
        RecordingEngineProvider recording = new RecordingEngineProvider();
        DiskModel disk = new DiskModel("disk of n1");
        PluginRegistry plugins = PluginRegistry.installed().withEngine(recording).withExtension(DiskModel.class, disk);
        try (TestCluster c = TestCluster.builder().nodes(1).partitions(8).plugins(id -> plugins)
                .table(TableConfig.of("t", 1, 1, 1, "recording", KeepAllTestReconcilerProvider.NAME)).build()) {
            c.client("n1").put("t", bytes("k"), Context.EMPTY, bytes("v"));
            assertEquals("v", string(c.client("n1").get("t", bytes("k")).value()));
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
