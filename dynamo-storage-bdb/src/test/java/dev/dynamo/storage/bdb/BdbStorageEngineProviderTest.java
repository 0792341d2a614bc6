package dev.dynamo.storage.bdb;

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
class BdbStorageEngineProviderTest {

    @TempDir
    Path dir;

    private StorageEngine open(Map<String, String> properties) {
        return Plugins.engine("bdb").open(new EngineContext("my table", dir, properties, Clock.system()));
    }

    @Test
    void acceptsEveryDocumentedPropertyAndStoresOneEnvironmentPerTable() {
        try (StorageEngine engine = open(Map.of("cache-percent", "5", "shared-cache", "false",
                "durability", "sync"))) {
            engine.put(new byte[] {1}, new byte[] {2});
            assertArrayEquals(new byte[] {2}, engine.get(new byte[] {1}));
        }
        assertTrue(Files.isDirectory(dir.resolve("my%20table.bdb")), "directory named after the table");
    }

    @Test
    void rejectsAnUnknownPropertyNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(Map.of("cache-size", "4")));
        assertTrue(e.getMessage().contains("engine.bdb.cache-size") && e.getMessage().contains("cache-percent"),
                e.getMessage());
    }

    @Test
    void rejectsAMalformedValueNamingKeyAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(Map.of("durability", "fsync")));
        assertTrue(e.getMessage().contains("engine.bdb.durability") && e.getMessage().contains("'fsync'"),
                e.getMessage());
    }
}
