package dev.dynamo.storage.mvstore;

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
class MvStoreStorageEngineProviderTest {

    @TempDir
    Path dir;

    private StorageEngine open(Map<String, String> properties) {
        return Plugins.engine("mvstore").open(new EngineContext("my table", dir, properties, Clock.system()));
    }

    @Test
    void acceptsEveryDocumentedPropertyAndStoresOneFilePerTable() {
        try (StorageEngine engine = open(Map.of("cache-size-mb", "4", "autocommit-delay-ms", "0",
                "write-buffer-mb", "1"))) {
            engine.put(new byte[] {1}, new byte[] {2});
            assertArrayEquals(new byte[] {2}, engine.get(new byte[] {1}));
        }
        assertTrue(Files.isRegularFile(dir.resolve("my%20table.mv.db")), "file named after the table");
    }

    @Test
    void rejectsAnUnknownPropertyNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(Map.of("cache-size", "4")));
        assertTrue(e.getMessage().contains("engine.mvstore.cache-size") && e.getMessage().contains("cache-size-mb"),
                e.getMessage());
    }

    @Test
    void rejectsAMalformedValueNamingKeyAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(Map.of("autocommit-delay-ms", "-5")));
        assertTrue(e.getMessage().contains("engine.mvstore.autocommit-delay-ms") && e.getMessage().contains("'-5'"),
                e.getMessage());
    }
}
