package dev.dynamo.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.time.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine-specific part: properties and file layout. */
class RocksDbStorageEngineProviderTest {

    @TempDir
    Path dir;

    private StorageEngine open(Map<String, String> properties) {
        return Plugins.engine("rocksdb").open(new EngineContext("my table", dir, properties, Clock.system()));
    }

    @Test
    void acceptsEveryDocumentedPropertyAndStoresOneDirectoryPerTable() {
        try (StorageEngine engine = open(Map.of("block-cache-mb", "4", "write-buffer-mb", "1",
                "sync-writes", "true"))) {
            engine.put(new byte[] {1}, new byte[] {2});
            assertArrayEquals(new byte[] {2}, engine.get(new byte[] {1}));
        }
        assertTrue(Files.isDirectory(dir.resolve("my%20table.rocksdb")), "directory named after the table");
    }

    @Test
    void rejectsAnUnknownPropertyNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(Map.of("block-cache", "4")));
        assertTrue(e.getMessage().contains("engine.rocksdb.block-cache") && e.getMessage().contains("block-cache-mb"),
                e.getMessage());
    }

    @Test
    void rejectsAMalformedValueNamingKeyAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(Map.of("sync-writes", "yes")));
        assertTrue(e.getMessage().contains("engine.rocksdb.sync-writes") && e.getMessage().contains("'yes'"),
                e.getMessage());
    }
}
